import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';

/**
 * The OpenAPI document is the contract: every operation declares the body of its success answer and the error
 * answers the edge can give. (API tests separately check every answer against these schemas: the test app runs
 * with VIGIL_VALIDATE_RESPONSES on.)
 */
let app: TestApp;
let doc: { paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>> };

beforeAll(async () => {
  app = await createTestApp();
  doc = (await app.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(() => app.teardown());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op, method })));

describe('OpenAPI document', () => {
  it('has operations to check', () => {
    expect(operations().length).toBeGreaterThan(90);
  });

  it('every operation declares a 2xx answer with a body schema (204 excepted)', () => {
    const missing = operations()
      .filter(({ op }) => {
        const codes = Object.keys(op.responses ?? {});
        return !codes.some((code) => code === '204' || (code.startsWith('2') && op.responses![code]!.content));
      })
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it('every operation documents the validation error (400) and the generic failure (500)', () => {
    const missing = operations()
      .filter(({ op }) => {
        const codes = Object.keys(op.responses ?? {});
        return !['400', '500'].every((code) => codes.includes(code));
      })
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });
});
