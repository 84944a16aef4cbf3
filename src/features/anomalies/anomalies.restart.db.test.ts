import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect, type TestApp } from '../../../test/support/test-app';
import { json, login, registerUser } from '../../../test/support/http';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-restart-'));
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps.reverse()) await app.teardown().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

const at = (i: number) => 1_700_000_000_000 + i * 60_000;

describe('restart', () => {
  it('a restarted server resumes each series where it was, without relearning', async () => {
    const sqliteFile = path.join(dir, 'vigil.db');
    const first = await createTestApp({ sqliteFile });
    apps.push(first);
    const user = await registerUser(first, { organization: 'Restart' });
    const steady = Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source: 'server-01', name: 'cpu', value: 100 + (i % 3), timestamp: at(i) }));
    expect((await first.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: user.headers, payload: { events: steady } })).statusCode).toBe(202);
    await first.close();

    const second = await createTestApp(testDialect() === 'postgres' ? { databaseUrl: first.databaseUrl! } : { sqliteFile });
    apps.push(second);
    const again = await login(second, user.username, 'password-123');
    // A fresh detector would still be warming up and could not flag this point; the restored one does.
    const res = await second.app.inject({
      method: 'POST', url: '/api/v1/events/ingest', headers: again.headers,
      payload: { events: [{ type: 'metric', source: 'server-01', name: 'cpu', value: 1000, timestamp: at(24) }] },
    });
    expect(json(res).data.anomalies_detected).toBe(1);
    const events = json(await second.app.inject({ method: 'GET', url: '/api/v1/events?source=server-01&limit=1', headers: again.headers })).data;
    expect(events.total).toBe(25);
  });
});
