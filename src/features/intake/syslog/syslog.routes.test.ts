import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../../test/support/http';
import type { IntakeModule } from '../intake.module';

let app: TestApp;
let admin: Session;
let syslog: IntakeModule['api']['syslog'];
let ports: { udp?: number; tcp?: number; tls?: number };

const which = (bin: string) => {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) if (fs.existsSync(path.join(dir, bin))) return path.join(dir, bin);
  return null;
};
const LOGGER = which('logger');
/** logger writes the machine's host name in the header; the listener takes it as the event's source. */
const HOST = os.hostname().split('.')[0]!;
const RSYSLOGD = which('rsyslogd');
if (!LOGGER) console.log('SKIP syslog real-client tests with logger: util-linux `logger` is not installed (apt-get install bsdutils)');
const OPENSSL = which('openssl');
if (!OPENSSL) console.log('SKIP syslog over TLS test: `openssl` is not installed to make a throw-away certificate');
if (!RSYSLOGD) console.log('SKIP syslog real-client test with rsyslog: `rsyslogd` is not installed (apt-get install rsyslog)');

const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-syslog-tls-'));
function throwAwayCertificate(): { syslogTlsCert: string; syslogTlsKey: string; syslogTlsPort: number } | Record<string, never> {
  if (!OPENSSL) return {};
  const [cert, key] = [path.join(certDir, 'cert.pem'), path.join(certDir, 'key.pem')];
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  return { syslogTlsCert: cert, syslogTlsKey: key, syslogTlsPort: 0 };
}

beforeAll(async () => {
  app = await createTestApp({ config: { syslogHost: '127.0.0.1', syslogUdpPort: 0, syslogTcpPort: 0, ...throwAwayCertificate() } });
  admin = await loginAdmin(app);
  syslog = (app.features.find((f) => f.name === 'intake') as unknown as { module: IntakeModule }).module.api.syslog;
  ports = syslog.addresses();
});
afterAll(async () => {
  await app?.teardown();
  fs.rmSync(certDir, { recursive: true, force: true });
});

/** Waits (bounded) until `expected` log events of the source match `marker` (logger names the host itself). */
async function eventsFrom(source: string, expected: number, marker?: string): Promise<any[]> {
  let found: any[] = [];
  for (let attempt = 0; attempt < 300; attempt++) {
    await syslog.drain();
    found = json(await app.app.inject({ method: 'GET', url: `/api/v1/events?type=log&source=${encodeURIComponent(source)}&limit=1000`, headers: admin.headers })).data.events;
    if (marker) found = found.filter((e: any) => e.message.includes(marker));
    if (found.length >= expected) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return found;
}

const sendTcp = (payload: string) =>
  new Promise<void>((resolve, reject) => {
    const socket = net.connect(ports.tcp!, '127.0.0.1', () => socket.end(payload));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });

describe('syslog listeners (port 0 on loopback, the default organization)', () => {
  it('TCP with LF and octet-counting framing, RFC 3164 and RFC 5424', async () => {
    const rfc5424 = '<165>1 2026-12-05T02:30:00.000Z tcp-host app 7 ID47 [exampleSDID@32473 iut="3"] multi\nline message';
    await sendTcp(`<34>Dec  5 02:30:00 tcp-host su: 'su root' failed for lonvick on /dev/pts/8\n${Buffer.byteLength(rfc5424)} ${rfc5424}`);
    const events = await eventsFrom('tcp-host', 2);
    expect(events.map((e) => e.message).sort()).toEqual([`<34>Dec  5 02:30:00 tcp-host su: 'su root' failed for lonvick on /dev/pts/8`, rfc5424].sort());
    expect(events.find((e) => e.message === rfc5424)).toMatchObject({ level: 'notice', timestamp: '2026-12-05T02:30:00.000Z', metadata: { intake: 'syslog', remote_address: '127.0.0.1' } });
  });

  it.runIf(OPENSSL)('TLS with octet counting (RFC 5425)', async () => {
    const frame = '<86>1 2026-12-05T02:31:00Z tls-host sshd 9 - - Accepted publickey for deploy from 10.0.0.9 port 51000 ssh2';
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ port: ports.tls!, host: '127.0.0.1', rejectUnauthorized: false }, () => socket.end(`${Buffer.byteLength(frame)} ${frame}`));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const events = await eventsFrom('tls-host', 1);
    expect(events[0]).toMatchObject({ message: frame, level: 'info' });
  });

  it('UDP datagrams', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.send('<11>1 - udp-host app - - - over udp\n', ports.udp!, '127.0.0.1', () => resolve()));
    socket.close();
    const events = await eventsFrom('udp-host', 1);
    expect(events[0]).toMatchObject({ message: '<11>1 - udp-host app - - - over udp', level: 'error' });
  });

  it.runIf(LOGGER)('util-linux logger: RFC 5424 over TCP with octet counting, RFC 3164 over UDP', async () => {
    execFileSync(LOGGER!, ['--rfc5424', '-T', '--octet-count', '-n', '127.0.0.1', '-P', String(ports.tcp), '-t', 'deploy', 'logger-test release 1.2.3 rolled out']);
    execFileSync(LOGGER!, ['--rfc3164', '-d', '-n', '127.0.0.1', '-P', String(ports.udp), '-t', 'cron', '-p', 'cron.warning', 'logger-test job overran']);
    const events = await eventsFrom(HOST, 2, 'logger-test');
    expect(events.find((e) => e.message.endsWith('release 1.2.3 rolled out'))?.message).toMatch(/^<13>1 \S+ \S+ deploy /);
    expect(events.find((e) => e.message.endsWith('job overran'))).toMatchObject({ level: 'warn' });
  });

  it.runIf(LOGGER)('a brute-force burst sent with logger becomes one brute_force_attack threat', async () => {
    for (let i = 0; i < 8; i++) {
      execFileSync(LOGGER!, ['--rfc3164', '-T', '-n', '127.0.0.1', '-P', String(ports.tcp), '-t', 'sshd[4242]', '-p', 'auth.warning',
        `Failed password for root from 198.51.100.23 port ${40000 + i} ssh2`]);
    }
    await eventsFrom(HOST, 8, '198.51.100.23');
    let threats: any[] = [];
    for (let attempt = 0; attempt < 300 && threats.length === 0; attempt++) {
      threats = json(await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: admin.headers })).data.threats.filter((t: any) => t.source_ip === '198.51.100.23');
      if (threats.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(threats).toHaveLength(1);
    expect(threats[0]).toMatchObject({ type: 'brute_force_attack', source_ip: '198.51.100.23' });
  });

  it.runIf(RSYSLOGD && LOGGER)('rsyslog forwards RFC 5424 with octet-counted TCP framing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rsyslog-'));
    const inputPort = await freeUdpPort();
    fs.writeFileSync(path.join(dir, 'rsyslog.conf'), [
      `global(workDirectory="${dir}")`,
      'module(load="imudp")',
      `input(type="imudp" address="127.0.0.1" port="${inputPort}")`,
      `action(type="omfwd" target="127.0.0.1" port="${ports.tcp}" protocol="tcp" tcp_framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
    ].join('\n'));
    let rsyslog: ChildProcess | null = null;
    try {
      rsyslog = spawn(RSYSLOGD!, ['-n', '-f', path.join(dir, 'rsyslog.conf'), '-i', path.join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
      let events: any[] = [];
      for (let attempt = 0; attempt < 50 && events.length === 0; attempt++) {
        execFileSync(LOGGER!, ['--rfc3164', '-d', '-n', '127.0.0.1', '-P', String(inputPort), '-t', 'nginx', `rsyslog-test relayed ${attempt}`]);
        events = await eventsFrom(HOST, 1, 'rsyslog-test');
      }
      expect(events.length).toBeGreaterThan(0);
      expect(events[0].message).toMatch(/^<\d+>1 \S+ \S+ nginx - - - +rsyslog-test relayed \d+/);
    } finally {
      rsyslog?.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
