import { afterAll, beforeAll, describe } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

describe('accounts routes security', () => {
  securitySuite(() => app, [
    { method: 'GET', url: '/api/v1/auth/profile' },
    { method: 'GET', url: '/api/v1/user' },
    { method: 'PUT', url: '/api/v1/user', payload: { first_name: 'x' } },
  ]);
});
