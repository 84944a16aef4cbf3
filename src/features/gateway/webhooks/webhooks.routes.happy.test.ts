import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../../test/support/http';
import { gatewayOf } from '../../../app/features/gateway';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local receiver answering each request with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[] = [200]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Verification written from the Standard Webhooks text, independently of the server's code: the key is the
 * base64 part of a `whsec_` secret, the signed content `${id}.${timestamp}.${body}`, the signature base64 after `v1,`.
 */
function verifyStandardWebhook(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.split('_')[1]!, 'base64');
  const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = createHmac('sha256', key).update(content).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

let app: TestApp;
let user: Session;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  app = await createTestApp({ config: { webhookMaxAttempts: 3, webhookTimeoutMs: 300 } });
  user = await registerUser(app, { organization: 'Hooks' });
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  // Each test starts with no webhooks (and so no outbox entries) left over from the previous one.
  await gatewayOf(app).webhooks.settled();
  const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/webhooks?size=100', headers: user.headers })).data;
  for (const w of list.items) await app.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${w.id}`, headers: user.headers });
  await app.core.db.deleteFrom('webhook_deliveries').where('webhook_id', 'is', null).execute();
});
afterAll(async () => app.teardown());

async function createWebhook(session: Session, body: Record<string, unknown>) {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: session.headers, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).data;
}

const process = (now?: number) => gatewayOf(app).webhooks.processDueDeliveries(now);

describe('webhooks', () => {
  it('creates a webhook with a generated whsec_ secret shown once, lists, reads and deletes it', async () => {
    const created = await createWebhook(user, { url: 'http://127.0.0.1:9/x', events: ['rate_limit.exceeded', 'api_key.created', 'api_key.revoked'], description: 'ops' });
    expect(created).toMatchObject({ url: 'http://127.0.0.1:9/x', events: ['rate_limit.exceeded', 'api_key.created', 'api_key.revoked'], active: true, status: 'active' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const stored = await app.core.db.selectFrom('webhooks').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^enc:v1:/); // sealed at rest
    expect(stored.secret).not.toContain(created.secret.slice('whsec_'.length));
    expect(app.core.secrets.open(stored.secret)).toBe(created.secret);

    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: user.headers })).data;
    expect(list.items.map((w: any) => w.id)).toContain(created.id);
    expect(list.items.every((w: any) => w.secret === undefined)).toBe(true);
    const one = json(await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: user.headers })).data;
    expect(one.secret).toBeUndefined();
    const deleted = await app.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${created.id}`, headers: user.headers });
    expect(deleted.statusCode).toBe(200);
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: user.headers })).statusCode).toBe(404);
  });

  it('delivers a matching event as a signed POST that an independent Standard Webhooks verifier accepts', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const hook = await createWebhook(user, { url: rx.url, events: ['api_key.created'] });
    const key = await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: user.headers, payload: { name: 'signed' } });
    expect(key.statusCode).toBe(201);
    await gatewayOf(app).webhooks.settled(); // the bus listener stores the delivery asynchronously
    expect(await process()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(rx.received).toHaveLength(1);
    const { headers, body } = rx.received[0]!;
    expect(headers['content-type']).toBe('application/json');
    expect(verifyStandardWebhook(hook.secret, headers, body)).toBe(true);
    expect(verifyStandardWebhook(hook.secret, headers, body.replace('signed', 'forged'))).toBe(false);
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ event: 'api_key.created', data: { api_key_id: json(key).data.id, user_id: user.userId, name: 'signed' } });
    expect(Date.parse(payload.created_at)).not.toBeNaN();

    const log = json(await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: user.headers })).data;
    expect(log.items[0]).toMatchObject({ event: 'api_key.created', status: 'succeeded', attempts: 1, last_status_code: 200 });
    expect(log.items[0].id).toBe(headers['webhook-id']);
  });

  it('signs with the UTF-8 bytes of a secret given without the whsec_ prefix', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const hook = await createWebhook(user, { url: rx.url, events: ['*'], secret: 'my-shared-secret' });
    const test = await app.app.inject({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, headers: user.headers });
    expect(test.statusCode).toBe(202);
    await process();
    const delivered = rx.received.find((r) => r.headers['webhook-id'] === json(test).data.delivery_id)!;
    const { headers, body } = delivered;
    const expected = createHmac('sha256', 'my-shared-secret').update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('retries a failing receiver with backoff and records every attempt', async () => {
    const rx = await receiver([500, 200]);
    closers.push(rx.close);
    const hook = await createWebhook(user, { url: rx.url, events: ['*'] });
    await app.app.inject({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, headers: user.headers });
    expect(await process()).toMatchObject({ claimed: 1, retrying: 1 });
    let log = json(await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: user.headers })).data;
    const first = log.items[0];
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'receiver answered 500' });
    const retryAt = Date.parse(first.next_attempt_at);
    expect(retryAt).toBeGreaterThanOrEqual(Date.now() + 500);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 16_000);
    expect(await process()).toMatchObject({ claimed: 0 }); // not due yet
    expect(await process(retryAt)).toMatchObject({ claimed: 1, succeeded: 1 });
    log = json(await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: user.headers })).data;
    expect(log.items[0]).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200 });
    expect(log.items[0].attempt_log.map((a: any) => a.status_code)).toEqual([500, 200]);
    expect(rx.received[0]!.headers['webhook-id']).toBe(rx.received[1]!.headers['webhook-id']);
  });

  it('gives up after the configured attempts and marks the webhook failing', async () => {
    const rx = await receiver([503]);
    closers.push(rx.close);
    const hook = await createWebhook(user, { url: rx.url, events: ['*'] });
    await app.app.inject({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, headers: user.headers });
    const later = Date.now() + 30 * 3_600_000;
    const summaries = [await process(), await process(later), await process(later + 30 * 3_600_000)];
    expect(summaries.map((s) => [s.retrying, s.failed])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(rx.received).toHaveLength(3);
    const log = json(await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: user.headers })).data;
    expect(log.items[0]).toMatchObject({ status: 'failed', attempts: 3, next_attempt_at: null });
    const webhook = json(await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}`, headers: user.headers })).data;
    expect(webhook).toMatchObject({ status: 'failing', active: false });
  });

  it('times out a receiver that does not answer', async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const { id } = await gatewayOf(app).webhooks.enqueue({ organizationId: user.organizationId, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, body: { x: 1 }, origin: 'test', event: 'test' });
    expect(await process()).toMatchObject({ claimed: 1, retrying: 1 });
    const row = await gatewayOf(app).webhooks.deliveryStatus(id);
    expect(row!.last_error).toMatch(/timed out after 300 ms/);
  });

  it('sends each due delivery once even when two workers race for it', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => gatewayOf(app).webhooks.enqueue({ organizationId: user.organizationId, url: rx.url, body: { i }, headers: { 'x-extra': 'yes' }, origin: 'alert_rule:1', event: 'alert.triggered' })),
    );
    const [a, b] = await Promise.all([process(), process()]);
    expect(a!.claimed + b!.claimed).toBe(6);
    expect(rx.received).toHaveLength(6);
    expect(new Set(rx.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids.map((d) => d.id)));
    expect(rx.received[0]!.headers['x-extra']).toBe('yes');
    expect(rx.received[0]!.headers['webhook-signature']).toBeUndefined();
  });

  it('does not deliver another organization\'s events', async () => {
    const rx = await receiver();
    closers.push(rx.close);
    await createWebhook(user, { url: rx.url, events: ['api_key.created'] });
    const stranger = await registerUser(app, { organization: 'Stranger' });
    await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: stranger.headers, payload: { name: 'theirs' } });
    await gatewayOf(app).webhooks.settled();
    await process();
    expect(rx.received).toHaveLength(0);
  });
});
