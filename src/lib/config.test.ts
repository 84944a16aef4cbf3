import { describe, expect, it } from 'vitest';
import { ConfigError, envName, loadConfig } from './config';

describe('configuration', () => {
  it('reads VIGIL_* variables with defaults', () => {
    const config = loadConfig({}, { VIGIL_PORT: '9090', VIGIL_DATABASE_URL: 'postgres://u@h/db', VIGIL_RATE_LIMIT_FAIL: 'closed' });
    expect(config).toMatchObject({ port: 9090, host: '0.0.0.0', databaseUrl: 'postgres://u@h/db', rateLimitFail: 'closed', openRegistration: true });
    expect(envName('ingestBodyLimitBytes')).toBe('VIGIL_INGEST_BODY_LIMIT_BYTES');
  });

  it('flags win over the environment', () => {
    expect(loadConfig({ port: '7000' }, { VIGIL_PORT: '9090' }).port).toBe(7000);
  });

  it.each([
    [{ VIGIL_PORT: 'eighty' }, /VIGIL_PORT="eighty"/],
    [{ VIGIL_PORT: '70000' }, /VIGIL_PORT/],
    [{ VIGIL_DATABASE_URL: 'mysql://x' }, /VIGIL_DATABASE_URL.*postgres/],
    [{ VIGIL_JWT_SECRET: 'short' }, /VIGIL_JWT_SECRET.*32/],
    [{ VIGIL_ADMIN_USERNAME: 'root' }, /must be set together/],
    [{ VIGIL_RATE_LIMIT_FAIL: 'maybe' }, /VIGIL_RATE_LIMIT_FAIL/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    try {
      loadConfig({}, env);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('never prints a secret it refuses', () => {
    expect(() => loadConfig({}, { VIGIL_JWT_SECRET: 'short-secret' })).toThrow(/VIGIL_JWT_SECRET=\(hidden\)/);
    expect(() => loadConfig({}, { VIGIL_JWT_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
