import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let session: Session;
beforeAll(async () => {
  app = await createTestApp();
  session = await registerUser(app);
});
afterAll(async () => app.teardown());

describe('POST /api/v1/api-keys errors', () => {
  const cases: [string, unknown][] = [
    ['missing name', {}],
    ['empty name', { name: '  ' }],
    ['unknown permission', { name: 'k', permissions: ['admin'] }],
    ['permissions not a list', { name: 'k', permissions: 'read' }],
    ['expires_at not a date', { name: 'k', expires_at: 'tomorrow' }],
    ['expires_at in the past', { name: 'k', expires_at: '2001-01-01T00:00:00Z' }],
  ];
  for (const [name, payload] of cases) {
    it(`${name} → 400 VALIDATION_ERROR`, async () => {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: payload as any });
      expect(res.statusCode).toBe(400);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    });
  }
});

describe('GET/DELETE /api/v1/api-keys/:id errors', () => {
  it('unknown id → 404 RESOURCE_NOT_FOUND', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await app.app.inject({ method, url: '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', headers: session.headers });
      expect(res.statusCode).toBe(404);
      expect(json(res).error.code).toBe('RESOURCE_NOT_FOUND');
    }
  });

  it('bad pagination → 400', async () => {
    for (const query of ['page=0', 'size=1000', 'page=abc']) {
      const res = await app.app.inject({ method: 'GET', url: `/api/v1/api-keys?${query}`, headers: session.headers });
      expect(res.statusCode).toBe(400);
    }
  });
});
