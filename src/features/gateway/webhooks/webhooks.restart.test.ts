import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/support/test-app';
import { registerUser } from '../../../../test/support/http';
import { gatewayOf } from '../../../app/features/gateway';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-webhook-restart-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('delivers after a restart what was queued before it, from the database outbox', async () => {
  const file = path.join(dir, 'vigil.db');
  const first = await createTestApp({ sqliteFile: file });
  const user = await registerUser(first, { organization: 'Restart' });
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(body);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const hook = await first.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: user.headers, payload: { url, events: ['api_key.created'] } });
    expect(hook.statusCode).toBe(201);
    await first.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: user.headers, payload: { name: 'before restart' } });
    await gatewayOf(first).webhooks.settled();
    await first.close(); // nothing was sent: background jobs are off
    expect(received).toHaveLength(0);

    // The second instance runs its worker in the background, as a server would.
    const second = await createTestApp({ sqliteFile: file, config: { backgroundJobs: true } });
    try {
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!)).toMatchObject({ event: 'api_key.created', data: { name: 'before restart' } });
      const row = await gatewayOf(second).webhooks.processDueDeliveries();
      expect(row.claimed).toBe(0);
    } finally {
      await second.teardown();
    }
  } finally {
    server.close();
    fs.rmSync(first.dataDir, { recursive: true, force: true });
  }
});
