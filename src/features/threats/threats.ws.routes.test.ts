import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { bruteForce, playbookOf } from './threats.test-helpers';

let app: TestApp;
let admin: Session;
let url: string;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
  url = address.replace('http', 'ws');
});
afterAll(async () => app?.teardown());

function connect(token: string) {
  const socket = new WebSocket(`${url}/ws/threats`);
  const messages: any[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  const ready = new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
    socket.on('error', reject);
    socket.on('message', (raw) => {
      if (JSON.parse(raw.toString()).type === 'auth_success') resolve();
    });
  });
  return { socket, messages, ready };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

it('/ws/threats sends the pipeline events in order, only to the threat\'s organization', async () => {
  const client = connect(admin.token);
  const stranger = await registerUser(app, { organization: 'WS stranger org' });
  const other = connect(stranger.token);
  await Promise.all([client.ready, other.ready]);

  const threat = await bruteForce(app, admin, '203.0.113.95');
  const playbook = await playbookOf(app, admin, threat.threat_id);
  const res = await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbook.id}/approve`, headers: admin.headers, payload: { approved: true } });
  expect(res.statusCode).toBe(200);
  expect(json(res).data.status).not.toBe('failed');

  const order = ['threat_detected', 'threat_analyzed', 'playbook_generated', 'approval_required', 'playbook_executing', 'threat_mitigated'];
  await until(() => client.messages.some((m) => m.type === 'threat_mitigated'));
  const seen = client.messages.filter((m) => order.includes(m.type));
  expect(seen.map((m) => m.type)).toEqual(order);
  for (const message of seen) {
    expect(message.data).toMatchObject({ threat_id: threat.threat_id, severity: threat.severity, confidence: threat.confidence });
    expect(typeof message.data.timestamp).toBe('string');
  }
  expect(other.messages.filter((m) => order.includes(m.type))).toHaveLength(0);
  client.socket.close();
  other.socket.close();
});
