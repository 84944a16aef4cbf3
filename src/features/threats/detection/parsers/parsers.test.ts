import { describe, expect, it } from 'vitest';
import { parseLogLine } from '.';

const NOW = Date.parse('2024-03-01T00:00:00Z');
const parse = (line: string, source?: string) => parseLogLine(line, { timestamp: NOW, source });

describe('syslog family', () => {
  it('parses sshd failures, invalid users and accepted logins (RFC 3164)', () => {
    const failed = parse('Feb 28 10:30:00 web1 sshd[1234]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2');
    expect(failed.format).toBe('sshd');
    expect(failed.fields).toMatchObject({ host: 'web1', program: 'sshd', pid: '1234', user: 'admin', src_ip: '203.0.113.9', src_port: 52144, invalid_user: true, auth_result: 'failure' });
    expect(failed.fields.event_time).toBe(Date.parse('2024-02-28T10:30:00Z'));
    expect(parse('Feb 28 10:30:00 web1 sshd[1]: Invalid user oracle from 2001:db8::7 port 4242').fields).toMatchObject({ user: 'oracle', src_ip: '2001:db8::7', auth_result: 'failure' });
    expect(parse('Feb 28 10:30:00 web1 sshd[1]: Accepted publickey for deploy from 10.0.0.5 port 50000 ssh2').fields).toMatchObject({ user: 'deploy', auth_result: 'success', auth_method: 'publickey' });
  });

  it('parses RFC 5424 headers', () => {
    const p = parse('<38>1 2024-02-28T10:30:00.000Z host1 sshd 999 - - Failed password for root from 198.51.100.4 port 22 ssh2');
    expect(p.format).toBe('sshd');
    expect(p.fields).toMatchObject({ facility: 4, syslog_severity: 6, host: 'host1', user: 'root', src_ip: '198.51.100.4' });
    expect(p.fields.event_time).toBe(Date.parse('2024-02-28T10:30:00Z'));
  });

  it('parses sudo commands and failures', () => {
    const ok = parse('Feb 28 10:30:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update');
    expect(ok.format).toBe('sudo');
    expect(ok.fields).toMatchObject({ user: 'alice', target_user: 'root', command: '/usr/bin/apt update', tty: 'pts/0', event: 'sudo_command' });
    const bad = parse('Feb 28 10:30:00 web1 sudo:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh');
    expect(bad.fields).toMatchObject({ user: 'bob', auth_result: 'failure', attempts: 3 });
  });

  it('parses PAM authentication failures with rhost as the source address', () => {
    const p = parse('Feb 28 10:30:00 web1 sshd[77]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.10  user=root');
    expect(p.format).toBe('pam');
    expect(p.fields).toMatchObject({ pam_module: 'pam_unix', pam_service: 'sshd', pam_type: 'auth', src_ip: '192.0.2.10', user: 'root', auth_result: 'failure' });
  });

  it('reads firewall key=value pairs from kernel lines', () => {
    const p = parse('Feb 28 10:30:00 fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.77 DST=10.0.0.1 PROTO=TCP SPT=4444 DPT=3306');
    expect(p.format).toBe('syslog');
    expect(p.fields).toMatchObject({ src_ip: '203.0.113.77', dst_ip: '10.0.0.1', dst_port: 3306, firewall_action: 'UFW BLOCK' });
  });
});

describe('web server logs', () => {
  const combined = '203.0.113.5 - frank [10/Oct/2023:13:55:36 -0700] "GET /search?q=shoes&page=2 HTTP/1.1" 404 2326 "https://example.com/" "Mozilla/5.0 (X11)"';

  it('parses the combined access format (nginx by default, apache when the source says so)', () => {
    const p = parse(combined);
    expect(p.format).toBe('nginx_access');
    expect(p.fields).toMatchObject({ src_ip: '203.0.113.5', user: 'frank', method: 'GET', path: '/search', query: 'q=shoes&page=2', status: 404, bytes: 2326, referer: 'https://example.com/', user_agent: 'Mozilla/5.0 (X11)' });
    expect(p.fields.event_time).toBe(Date.parse('2023-10-10T20:55:36Z'));
    expect(parse(combined, 'apache').format).toBe('apache_access');
  });

  it('parses nginx and Apache error logs', () => {
    const nginx = parse('2024/02/28 10:30:00 [error] 1234#0: *5 open() "/srv/x.php" failed (2: No such file or directory), client: 198.51.100.2, server: _, request: "GET /x.php?a=1 HTTP/1.1", host: "h"');
    expect(nginx.format).toBe('nginx_error');
    expect(nginx.fields).toMatchObject({ level: 'error', src_ip: '198.51.100.2', method: 'GET', path: '/x.php', query: 'a=1' });
    const apache = parse('[Wed Feb 28 10:30:00.123456 2024] [core:error] [pid 1234:tid 5678] [client 198.51.100.3:5678] AH00126: Invalid URI in request GET /a HTTP/1.1');
    expect(apache.format).toBe('apache_error');
    expect(apache.fields).toMatchObject({ level: 'error', module: 'core', src_ip: '198.51.100.3', error_code: 'AH00126' });
  });
});

describe('JSON lines and free text', () => {
  it('keeps JSON keys and normalizes common aliases', () => {
    const p = parse('{"ts":"2024-02-28T10:30:00Z","msg":"login failed","username":"bob","client_ip":"10.1.1.1","status_code":401}');
    expect(p.format).toBe('json');
    expect(p.fields).toMatchObject({ username: 'bob', user: 'bob', src_ip: '10.1.1.1', message: 'login failed', status: 401, auth_result: 'failure' });
  });

  it('extracts the address and a failed-auth signal from unstructured text', () => {
    const p = parse('Failed login attempt from 192.168.1.100');
    expect(p.format).toBe('text');
    expect(p.fields).toMatchObject({ src_ip: '192.168.1.100', auth_result: 'failure' });
    expect(parse('authentication failed for user alice from fe80::1').fields).toMatchObject({ user: 'alice', src_ip: 'fe80::1', auth_result: 'failure' });
  });

  it('does not invent fields or failures in ordinary text', () => {
    const p = parse('Backup finished in 42 s, 1.2 GB written to users volume');
    expect(p.fields.src_ip).toBeUndefined();
    expect(p.fields.user).toBeUndefined();
    expect(p.fields.auth_result).toBeUndefined();
  });

  it('fills missing fields from the API metadata without overriding the line', () => {
    const p = parseLogLine('Failed login attempt from 192.168.1.100', { timestamp: NOW, metadata: { user: 'admin', attempts: 5, ip: '10.0.0.1' } });
    expect(p.fields).toMatchObject({ user: 'admin', attempts: 5, src_ip: '192.168.1.100' });
  });
});
