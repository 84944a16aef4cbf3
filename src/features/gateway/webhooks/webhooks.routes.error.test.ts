import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../../test/support/http';
import { gatewayOf } from '../../../app/features/gateway';

let app: TestApp;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app);
});
afterAll(async () => app.teardown());

describe('webhook creation refuses bad input with 400', () => {
  const cases: [string, unknown][] = [
    ['not a URL', { url: 'not a url', events: ['api_key.created'] }],
    ['a non-http scheme', { url: 'ftp://example.com/x', events: ['api_key.created'] }],
    ['a javascript: URL', { url: 'javascript:alert(1)', events: ['api_key.created'] }],
    ['an unknown event name', { url: 'https://example.com/hook', events: ['api_key.created', 'no.such.event'] }],
    ['events not a list', { url: 'https://example.com/hook', events: 'api_key.created' }],
    ['an empty event list', { url: 'https://example.com/hook', events: [] }],
    ['a missing url', { events: ['api_key.created'] }],
    ['a too short secret', { url: 'https://example.com/hook', events: ['*'], secret: 'short' }],
    ['a private destination (SSRF guard on)', { url: 'http://10.1.2.3/hook', events: ['*'] }],
    ['a link-local destination (SSRF guard on)', { url: 'http://169.254.169.254/latest/meta-data', events: ['*'] }],
    ['the AWS IPv6 metadata address', { url: 'http://[fd00:ec2::254]/latest', events: ['*'] }],
    ['a mapped private address', { url: 'http://[::ffff:10.0.0.1]/hook', events: ['*'] }],
  ];
  for (const [name, payload] of cases) {
    it(name, async () => {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: user.headers, payload: payload as object });
      expect(res.statusCode, res.body).toBe(400);
      expect(['VALIDATION_ERROR', 'DESTINATION_NOT_ALLOWED']).toContain(json(res).error.code);
    });
  }

  it('malformed JSON', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { ...user.headers, 'content-type': 'application/json' }, payload: '{"url":' });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('INVALID_JSON');
  });

  it('names the unknown events', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: user.headers, payload: { url: 'https://example.com/h', events: ['bogus'] } });
    expect(json(res).error.details.unknown).toEqual(['bogus']);
    expect(await app.core.db.selectFrom('webhooks').selectAll().execute()).toHaveLength(0);
  });
});

describe('unknown webhooks answer 404', () => {
  for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['GET', '/deliveries'], ['POST', '/test']] as const) {
    it(`${method} /api/v1/webhooks/:id${suffix}`, async () => {
      const res = await app.app.inject({ method, url: `/api/v1/webhooks/00000000-0000-4000-8000-000000000000${suffix}`, headers: user.headers });
      expect(res.statusCode).toBe(404);
      expect(json(res).error.code).toBe('RESOURCE_NOT_FOUND');
    });
  }
  it('bad pagination is a 400', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/webhooks?size=100000', headers: user.headers });
    expect(res.statusCode).toBe(400);
  });
});

describe('the SSRF guard also holds at send time', () => {
  it('refuses to connect to a private address for an enqueued delivery', async () => {
    const { id } = await gatewayOf(app).webhooks.enqueue({ organizationId: user.organizationId, url: 'http://10.9.8.7:9/', body: {}, origin: 'test', event: 'test' });
    await gatewayOf(app).webhooks.processDueDeliveries();
    const row = await gatewayOf(app).webhooks.deliveryStatus(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toBe('refused');
  });
  it('refuses a delivery URL that is not http(s) when it is enqueued', async () => {
    await expect(gatewayOf(app).webhooks.enqueue({ organizationId: user.organizationId, url: 'file:///etc/passwd', body: {}, origin: 'test', event: 'test' })).rejects.toThrow(/http or https/);
  });
});
