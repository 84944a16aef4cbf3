import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';
import { json, loginAdmin, registerUser } from '../../test/support/http';
import { connectWs } from '../../test/support/ws';

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await createTestApp({ config: { heartbeatSeconds: 1, backgroundJobs: true } });
  app.core.ws.map('api_key.created', 'drift', (event) => ({ type: 'api_key_created', data: event.data }));
  app.core.ws.map('api_key.created', 'threats', (event) => ({ type: 'api_key_created', data: event.data }));
  const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
  base = address.replace('http', 'ws');
});
afterAll(async () => app.teardown());

describe('/ws and /ws/threats', () => {
  it('anonymous connections are welcomed with a null user and get heartbeats but no events', async () => {
    const client = await connectWs(`${base}/ws`);
    const hello = await client.next((m) => m.type === 'connection_established');
    expect(hello.data).toMatchObject({ user_id: null, roles: [] });
    expect(hello.timestamp).toBeTypeOf('string');
    const beat = await client.next((m) => m.type === 'heartbeat', 3000);
    expect(beat.data.timestamp).toBeTypeOf('number');
    client.close();
  });

  it('authenticates by header, ?token= and first message, and delivers only the own organization\'s events', async () => {
    const admin = await loginAdmin(app);
    const member = await registerUser(app);
    const stranger = await registerUser(app, { organization: 'Other org' });

    const byHeader = await connectWs(`${base}/ws`, { authorization: `Bearer ${admin.token}` });
    expect((await byHeader.next((m) => m.type === 'connection_established')).data).toMatchObject({ user_id: admin.userId, roles: ['admin'] });
    const byQuery = await connectWs(`${base}/ws?token=${member.token}`);
    expect((await byQuery.next((m) => m.type === 'connection_established')).data.user_id).toBe(member.userId);
    const byMessage = await connectWs(`${base}/ws/threats`);
    byMessage.socket.send(JSON.stringify({ type: 'auth', token: member.token }));
    expect((await byMessage.next((m) => m.type === 'auth_success')).data.user_id).toBe(member.userId);
    const foreign = await connectWs(`${base}/ws`, { authorization: `Bearer ${stranger.token}` });
    await foreign.next((m) => m.type === 'connection_established');

    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: member.headers, payload: { name: 'ws' } })).data;
    for (const client of [byHeader, byQuery, byMessage]) {
      const event = await client.next((m) => m.type === 'api_key_created');
      expect(event.data.api_key_id).toBe(created.id);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(foreign.messages.some((m) => m.type === 'api_key_created')).toBe(false);

    const stats = json(await app.app.inject({ method: 'GET', url: '/api/v1/ws/stats', headers: admin.headers })).data;
    expect(stats).toMatchObject({ admin_connections: 1, user_connections: 2, authenticated_users: 2 });
    for (const client of [byHeader, byQuery, byMessage, foreign]) client.close();
  });

  it('an invalid token is refused and gets no events', async () => {
    const viaQuery = await connectWs(`${base}/ws?token=not-a-token`);
    expect(await viaQuery.closed).toBe(4401);
    const viaMessage = await connectWs(`${base}/ws/threats`);
    viaMessage.socket.send(JSON.stringify({ type: 'auth', token: 'forged.jwt.value' }));
    expect(await viaMessage.closed).toBe(4401);
    expect(viaMessage.messages.find((m) => m.type === 'error').data.code).toBe('AUTHENTICATION_REQUIRED');
  });
});
