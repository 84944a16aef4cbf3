import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, loginAdmin, registerUser } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ config: { metricsToken: 'metrics-token-0123456789abcdef' } });
});
afterAll(async () => app?.teardown());

describe('/metrics is for operators', () => {
  securitySuite(() => app, [{ method: 'GET', url: '/metrics' }]);

  const cases: [string, () => Promise<Record<string, string>>, number, string][] = [
    ['a wrong metrics token', async () => ({ authorization: 'Bearer metrics-token-0123456789abcdeX' }), 401, 'AUTHENTICATION_REQUIRED'],
    ['an ordinary user (metrics span every organization)', async () => (await registerUser(app)).headers, 403, 'INSUFFICIENT_PERMISSIONS'],
    ['an organization admin who is not a server admin', async () => (await registerUser(app, { organization: 'Other' })).headers, 403, 'INSUFFICIENT_PERMISSIONS'],
    ['an administrator key without read permission', async () => ({ 'x-api-key': await createApiKey(app, await loginAdmin(app), ['write']) }), 403, 'INSUFFICIENT_PERMISSIONS'],
  ];
  for (const [name, headers, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const res = await app.app.inject({ method: 'GET', url: '/metrics', headers: await headers() });
      expect(res.statusCode).toBe(status);
      expect(json(res).error.code).toBe(code);
      expect(res.body).not.toMatch(/vigil_/);
    });
  }

  it('without a configured token, a bearer that is not a credential is 401', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } });
      expect(res.statusCode).toBe(401);
    } finally {
      await plain.teardown();
    }
  });
});
