import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../../../test/support/test-app';
import { registerUser } from '../../../test/support/http';
import { consoleSignIn } from '../../../test/support/console';

let app: TestApp;
let base: URL;

beforeAll(async () => {
  app = await createTestApp();
  base = new URL(await app.app.listen({ port: 0, host: '127.0.0.1' }));
});
afterAll(async () => app?.teardown());

/** Opens the console's event stream with a session cookie and collects what arrives. */
function openStream(cookie: string) {
  const received: string[] = [];
  let response: http.IncomingMessage | null = null;
  const ready = new Promise<number>((resolve, reject) => {
    const request = http.get({ host: base.hostname, port: base.port, path: '/console/events', headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => received.push(chunk));
      resolve(res.statusCode ?? 0);
    });
    request.on('error', reject);
  });
  return { ready, received, close: () => response?.destroy() };
}

describe('console live stream', () => {
  it("carries the viewer's organization's events only, and needs a session", async () => {
    const admin = await consoleSignIn(app, ADMIN.username, ADMIN.password);
    const stream = openStream(admin.cookie);
    expect(await stream.ready).toBe(200);
    const own = await app.core.accounts.defaultOrganizationId();
    const stranger = await registerUser(app, { organization: 'far-away' });
    const strangerUser = await app.core.accounts.activeUser((await app.app.inject({ method: 'GET', url: '/api/v1/auth/profile', headers: stranger.headers })).json().data.id);
    expect(strangerUser!.organization_id).not.toBe(own);
    app.core.bus.publish('threat.detected', strangerUser!.organization_id, { threat_id: '00000000-0000-4000-8000-00000000000b', threat_type: 'x', severity: 'high' });
    app.core.bus.publish('threat.detected', own, { threat_id: '00000000-0000-4000-8000-00000000000a', threat_type: 'x', severity: 'high' });
    await expect.poll(() => stream.received.join('')).toContain('event: finding');
    const text = stream.received.join('');
    expect(text.match(/event: finding/g)).toHaveLength(1);
    expect(text).toContain('"type":"threat.detected"');
    stream.close();

    const anonymous = openStream('');
    expect(await anonymous.ready).toBe(303);
    anonymous.close();
  });
});
