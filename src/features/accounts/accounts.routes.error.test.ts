import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, uniqueName } from '../../../test/support/http';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

const valid = () => {
  const username = uniqueName();
  return { username, email: `${username}@example.test`, password: 'password-123' };
};

describe('POST /api/v1/auth/register errors', () => {
  const cases: [string, unknown, number, string][] = [
    ['missing password', { username: 'abc', email: 'a@b.io' }, 400, 'VALIDATION_ERROR'],
    ['short password', { ...valid(), password: 'short' }, 400, 'VALIDATION_ERROR'],
    ['bad email', { ...valid(), email: 'not-an-email' }, 400, 'VALIDATION_ERROR'],
    ['username wrong type', { ...valid(), username: 42 }, 400, 'VALIDATION_ERROR'],
    ['username with spaces', { ...valid(), username: 'a b c' }, 400, 'VALIDATION_ERROR'],
    ['body is an array', [1, 2], 400, 'VALIDATION_ERROR'],
    ['empty body', undefined, 400, 'VALIDATION_ERROR'],
  ];
  for (const [name, payload, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: payload as any, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(status);
      expect(json(res)).toMatchObject({ success: false, error: { code } });
    });
  }

  it('duplicate username or email → 409 RESOURCE_ALREADY_EXISTS', async () => {
    const body = valid();
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: body })).statusCode).toBe(201);
    const sameName = await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { ...body, email: `x${body.email}` } });
    const sameEmail = await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { ...body, username: `${body.username}x`, email: body.email.toUpperCase() } });
    for (const res of [sameName, sameEmail]) {
      expect(res.statusCode).toBe(409);
      expect(json(res).error.code).toBe('RESOURCE_ALREADY_EXISTS');
    }
  });

  it('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: '{"username": "x",', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('INVALID_JSON');
  });

  it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(json(res).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('POST /api/v1/auth/login errors', () => {
  it('unknown user and wrong password are the same 401 INVALID_CREDENTIALS', async () => {
    const session = await registerUser(app);
    const unknown = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody-here', password: 'password-123' } });
    const wrong = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: session.username, password: 'wrong-password' } });
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(json(res).error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Invalid username or password' });
    }
  });

  it('neither username nor email → 400', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { password: 'x' } });
    expect(res.statusCode).toBe(400);
  });
});

describe('POST /api/v1/auth/refresh errors', () => {
  it('no token → 401, unknown token → 401, access token used as refresh → 401', async () => {
    const session = await registerUser(app);
    for (const payload of [{}, { refresh_token: 'rt_unknown' }, { refresh_token: session.token }]) {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('PUT /api/v1/user errors', () => {
  it('wrong types → 400 with the field named', async () => {
    const session = await registerUser(app);
    const res = await app.app.inject({ method: 'PUT', url: '/api/v1/user', headers: session.headers, payload: { first_name: 12 } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].field).toBe('body.first_name');
  });
});
