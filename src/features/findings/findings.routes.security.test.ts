import { afterAll, beforeAll, describe } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.teardown());

describe('GET /api/v1/findings: security', () => {
  securitySuite(() => app, [{ method: 'GET', url: '/api/v1/findings' }]);
});
