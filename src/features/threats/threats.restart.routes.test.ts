import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { loginAdmin } from '../../../test/support/http';
import { detect, failedLogin } from './threats.test-helpers';

const file = path.join(os.tmpdir(), `vigil-threats-restart-${randomBytes(6).toString('hex')}.db`);
const apps: TestApp[] = [];

afterAll(async () => {
  for (const app of apps.reverse()) await app.teardown().catch(() => undefined);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
});

it('correlation state survives a restart: 4 failed logins before, the 5th after is a brute-force attack', async () => {
  const first = await createTestApp({ sqliteFile: file });
  apps.push(first);
  const admin = await loginAdmin(first);
  for (let i = 0; i < 4; i++) expect((await detect(first, admin, failedLogin('203.0.113.90'))).threat_detected).toBe(false);
  await first.close(); // stop() checkpoints the correlation state

  const second = await createTestApp({ sqliteFile: file, databaseUrl: first.databaseUrl ?? undefined });
  apps.push(second);
  const again = await loginAdmin(second);
  const fifth = await detect(second, again, failedLogin('203.0.113.90'));
  expect(fifth).toMatchObject({ threat_detected: true, threat_type: 'brute_force_attack' });
  expect(fifth.mitre_attack).toContain('T1110.001');
  // a different address has no history: its first failure is no threat
  expect((await detect(second, again, failedLogin('203.0.113.91'))).threat_detected).toBe(false);
});
