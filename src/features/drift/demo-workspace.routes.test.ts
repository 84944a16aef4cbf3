import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import { EXAMPLE_WORKSPACE } from './state/sources';

/** A fresh server's drift demo: the example workspace is copied into the data dir, and every state operation works on it. */
let app: TestApp;
let admin: Session;
const shippedHash = () => crypto.createHash('sha256').update(fs.readFileSync(path.join(EXAMPLE_WORKSPACE, 'states', 'production', 'terraform.tfstate'))).digest('hex');
const before = shippedHash();

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => app.app.inject({ method, url, headers: admin.headers, payload: payload as object });

describe('the example workspace on a fresh server', () => {
  it('discover with providers says what it found for each, or why not', async () => {
    const res = await call('POST', '/api/v1/backends/discover', { providers: ['aws', 'azure', 'gcp', 'pg'] });
    expect(res.statusCode, res.body).toBe(200);
    const data = json(res).data;
    const byProvider = Object.fromEntries(data.providers.map((p: any) => [p.provider, p]));
    expect(byProvider.aws).toMatchObject({ found: 1 });
    expect(byProvider.aws.message).toContain('example-workspace');
    expect(byProvider.azure).toMatchObject({ found: 0, message: 'azure: no credentials configured and no state manages azurerm resources' });
    expect(byProvider.gcp.found).toBe(0);
    expect(byProvider.pg.message).toContain('VIGIL_TERRAFORM_PG_URL');
    const workspace = data.backends.find((b: any) => b.name === 'example-workspace');
    expect(workspace).toMatchObject({ read_only: false });
    expect(fs.existsSync(path.join(app.dataDir, 'example-workspace', 'states', 'production', 'terraform.tfstate'))).toBe(true);
  });

  it('lock, move and remove work on the copy; the shipped files are untouched', async () => {
    const list = json(await call('GET', '/api/v1/state/list?limit=100')).data.state_files;
    const production = list.find((f: any) => f.path.includes('production'));
    expect(production).toBeTruthy();
    const stateId = production.id;
    expect((await call('POST', '/api/v1/state/lock', { state_id: stateId, reason: 'demo' })).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/state/unlock', { state_id: stateId })).statusCode).toBe(200);
    const moved = await call('POST', '/api/v1/state/move', { state_id: stateId, from_address: 'aws_instance.api', to_address: 'aws_instance.api_server' });
    expect(moved.statusCode, moved.body).toBe(200);
    const removed = await call('DELETE', `/api/v1/state/resources/aws_instance.api_server?state_id=${stateId}`);
    expect(removed.statusCode, removed.body).toBe(200);
    const copy = fs.readFileSync(path.join(app.dataDir, 'example-workspace', 'states', 'production', 'terraform.tfstate'), 'utf8');
    expect(copy).not.toContain('"api_server"');
    expect(shippedHash()).toBe(before);
  });
});
