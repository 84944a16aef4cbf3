import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json } from '../../../test/support/http';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

describe('GET /health and /api/v1/health', () => {
  it('answers the union of both seeds without authentication', async () => {
    for (const url of ['/health', '/api/v1/health']) {
      const res = await app.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      const body = json(res);
      expect(body.success).toBe(true);
      for (const view of [body, body.data]) {
        expect(view).toMatchObject({ status: 'healthy', version: '0.1.0', services: { database: 'connected', redis: 'disabled' } });
        expect(view.uptime).toBeTypeOf('number');
        expect(Date.parse(view.timestamp)).not.toBeNaN();
      }
    }
  });

  it('reports an unreachable database as unhealthy with 503', async () => {
    const broken = await createTestApp();
    await broken.core.db.destroy();
    const res = await broken.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(json(res).data.services.database).toBe('disconnected');
    await broken.app.close().catch(() => undefined);
  });
});

describe('GET /api/v1/version and the OpenAPI document', () => {
  it('answers version information', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/version' });
    expect(json(res).data).toMatchObject({ version: '0.1.0', node_version: process.version });
  });

  it('serves an OpenAPI 3.1 document and interactive docs', async () => {
    const doc = json(await app.app.inject({ method: 'GET', url: '/openapi.json' }));
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/auth/login'].post).toBeDefined();
    const login = doc.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.properties.password).toBeDefined();
    const ui = await app.app.inject({ method: 'GET', url: '/docs/' });
    expect([200, 302]).toContain(ui.statusCode);
  });
});
