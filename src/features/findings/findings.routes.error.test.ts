import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';

let app: TestApp;
let admin: Session;
beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

describe('GET /api/v1/findings: bad input', () => {
  it.each([
    ['?engine=metrics', 'querystring.engine'],
    ['?severity=urgent', 'querystring.severity'],
    ['?status=OPEN;drop', 'querystring.status'],
    ['?page=0', 'querystring.page'],
    ['?size=1000', 'querystring.size'],
    ['?include_suppressed=maybe', 'querystring.include_suppressed'],
    [`?resource_id=${'x'.repeat(300)}`, 'querystring.resource_id'],
  ])('%s answers 400 VALIDATION_ERROR naming %s', async (query, field) => {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/findings${query}`, headers: admin.headers });
    expect(res.statusCode).toBe(400);
    const body = json(res);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details.map((d: any) => d.field)).toContain(field);
  });

  it('an empty organization answers an empty page, not an error', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/findings', headers: admin.headers });
    expect(json(res).data).toEqual({ items: [], total: 0, page: 1, size: 20 });
  });
});
