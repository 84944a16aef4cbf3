import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createAccountsRepository } from './accounts.repository';
import { createAccountsService } from './accounts.service';
import type { PasswordHasher } from './passwords';
import { createTokenIssuer } from './tokens';
import { createSettingsStore } from '../../db/settings';
import { systemClock } from '../../lib/clock';
import { noAudit } from '../audit/audit.api';
import { createLoginThrottle } from './login-throttle';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

function countingHasher() {
  const calls = { verify: 0, dummy: 0 };
  const hasher: PasswordHasher = {
    hash: async (password) => `plain:${password}`,
    verify: async (hash, password) => {
      calls.verify++;
      return hash === `plain:${password}`;
    },
    verifyDummy: async () => {
      calls.dummy++;
      return false;
    },
  };
  return { hasher, calls };
}

function service(hasher: PasswordHasher) {
  const db = app.core.db;
  return createAccountsService({
    db,
    repo: createAccountsRepository(db),
    settings: createSettingsStore(db),
    hasher,
    tokens: createTokenIssuer({ secret: 'x'.repeat(40), ttlSeconds: 900 }),
    bus: app.core.bus,
    clock: systemClock,
    refreshTtlSeconds: 3600,
    audit: noAudit,
    throttle: createLoginThrottle({ db, clock: systemClock }),
    invitations: { redeem: async () => { throw new Error('no invitations in this test'); } },
  });
}

describe('accounts service', () => {
  it('an unknown user still pays for one password verification (no timing oracle)', async () => {
    const { hasher, calls } = countingHasher();
    const accounts = service(hasher);
    await expect(accounts.login('nobody-at-all', 'whatever-password')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(calls).toEqual({ verify: 0, dummy: 1 });
    await accounts.createUser({ username: 'timing-user', email: 'timing@example.test', password: 'right-password' }, 'member');
    await expect(accounts.login('timing-user', 'wrong-password')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(calls).toEqual({ verify: 1, dummy: 1 });
  });

  it('the bootstrap admin is created once and never overwritten silently', async () => {
    const { hasher } = countingHasher();
    const accounts = service(hasher);
    const again = await accounts.ensureAdmin({ username: 'admin', email: 'admin@vigil.test', password: 'another-password' });
    expect(again).toMatchObject({ created: false, conflict: false });
    const clash = await accounts.ensureAdmin({ username: 'admin', email: 'someone-else@vigil.test', password: 'x-password' });
    expect(clash).toMatchObject({ created: false, conflict: true });
    const row = await app.core.db.selectFrom('users').select(['email', 'password_hash']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    expect(row.email).toBe('admin@vigil.test');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('the default organization is created once even when asked concurrently', async () => {
    const { hasher } = countingHasher();
    const accounts = service(hasher);
    const ids = await Promise.all([accounts.defaultOrganizationId(), accounts.defaultOrganizationId(), app.core.accounts.defaultOrganizationId()]);
    expect(new Set(ids).size).toBe(1);
  });
});
