import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../../test/support/http';
import type { VigilEvent } from '../../../events/catalogue';
import { makeStateDir } from './testing/fixtures';
import { parseTfState } from './tfstate/tfstate';

vi.mock('../../../app/features/drift', () => import('./testing/wire-state-only'));

let app: TestApp;
let admin: Session;
let root: string;
const events: VigilEvent[] = [];

beforeAll(async () => {
  root = makeStateDir();
  app = await createTestApp({ config: { terraformRoots: root } });
  admin = await loginAdmin(app);
  app.core.bus.subscribe(['state.updated'], (event) => void events.push(event));
});
afterAll(async () => {
  await app.teardown();
  fs.rmSync(root, { recursive: true, force: true });
});

const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const res = await app.app.inject({ method, url, payload: payload as never, headers: admin.headers });
  return { status: res.statusCode, body: json(res) };
};
const webPath = () => path.join(root, 'environments', 'prod', 'terraform.tfstate');
async function webStateId(): Promise<string> {
  const { body } = await call('GET', '/api/v1/state/list');
  return body.data.state_files.find((f: { path: string }) => f.path === 'environments/prod/terraform.tfstate').id;
}

describe('backends', () => {
  it('lists the discovered server root and the organization\'s http backend without any explicit discovery', async () => {
    const { status, body } = await call('GET', '/api/v1/backends/list');
    expect(status).toBe(200);
    const types = body.data.backends.map((b: { type: string }) => b.type).sort();
    expect(types).toEqual(['http', 'local']);
    expect(body.data.total).toBe(2);
    const local = body.data.backends.find((b: { type: string }) => b.type === 'local');
    expect(local).toMatchObject({ config: { path: root, read_only: false }, source: 'discovered' });
  });

  it('discover is idempotent and honours the providers filter', async () => {
    const first = await call('POST', '/api/v1/backends/discover', { providers: ['local'], regions: ['us-east-1'] });
    expect(first.status).toBe(200);
    expect(first.body.data.discovered).toBe(1);
    expect(first.body.data.backends[0].type).toBe('local');
    const all = await call('POST', '/api/v1/backends/discover', {});
    expect(all.body.data.discovered).toBe(2);
    expect((await call('GET', '/api/v1/backends/list')).body.data.total).toBe(2);
  });

  it('tests a backend for real and measures the response time', async () => {
    const local = (await call('GET', '/api/v1/backends/list')).body.data.backends.find((b: { type: string }) => b.type === 'local');
    const { status, body } = await call('POST', `/api/v1/backends/${local.id}/test`);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ status: 'success', backend_id: local.id });
    expect(body.data.message).toContain('3 state files'); // *.tfstate files, one of which is not a state
    expect(body.data.response_time).toMatch(/^\d+ms$/);
    expect(typeof body.data.response_time_ms).toBe('number');
  });

  it('creates an s3 backend with its secrets masked everywhere, then deletes it', async () => {
    const created = await call('POST', '/api/v1/backends', {
      name: 'minio-states',
      type: 's3',
      config: { bucket: 'tf-states', prefix: 'envs/', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', access_key_id: 'AKIAEXAMPLEKEY1234', secret_access_key: 'super-secret-value' },
    });
    expect(created.status).toBe(201);
    const text = JSON.stringify(created.body);
    expect(text).not.toContain('super-secret-value');
    expect(text).not.toContain('AKIAEXAMPLEKEY1234');
    expect(created.body.data.config).toMatchObject({ bucket: 'tf-states', secret_access_key: '********', access_key_id: '********1234' });
    const fetched = await call('GET', `/api/v1/backends/${created.body.data.id}`);
    expect(JSON.stringify(fetched.body)).not.toContain('super-secret-value');
    const stored = await app.core.db.selectFrom('state_backends').select('config').where('id', '=', created.body.data.id).executeTakeFirstOrThrow();
    expect(stored.config).toMatch(/^enc:v1:/); // sealed at rest
    expect(stored.config).not.toContain('super-secret-value');
    const test = await call('POST', `/api/v1/backends/${created.body.data.id}/test`);
    expect(test.body.data.status).toBe('failed');
    expect(test.body.data.message).toContain('S3 backend tf-states');
    expect(JSON.stringify(test.body)).not.toContain('super-secret-value');
    expect((await call('DELETE', `/api/v1/backends/${created.body.data.id}`)).status).toBe(200);
    expect((await call('GET', `/api/v1/backends/${created.body.data.id}`)).status).toBe(404);
  });

  it('masks the password of a pg connection string', async () => {
    const created = await call('POST', '/api/v1/backends', { name: 'pg', type: 'pg', config: { conn_str: 'postgres://tf:hunter2@127.0.0.1:9/tf' } });
    expect(created.status).toBe(201);
    expect(created.body.data.config.conn_str).toBe('postgres://tf:********@127.0.0.1:9/tf');
    expect(JSON.stringify(created.body)).not.toContain('hunter2');
    await call('DELETE', `/api/v1/backends/${created.body.data.id}`);
  });
});

describe('state files', () => {
  it('lists *.tfstate files of the tree (not .terraform/, backups or non-states) with their serial and lineage', async () => {
    const { status, body } = await call('GET', '/api/v1/state/list?limit=10');
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ total: 2, limit: 10, offset: 0 });
    const web = body.data.state_files.find((f: { path: string }) => f.path === 'environments/prod/terraform.tfstate');
    expect(web).toMatchObject({ serial: 12, lineage: '8d5b2c1e-3f4a-4b6c-9d7e-0a1b2c3d4e5f', locked: false, resource_count: 3, size: fs.statSync(webPath()).size });
    expect(Date.parse(web.last_modified)).toBeGreaterThan(0);
    const page = await call('GET', '/api/v1/state/list?limit=1&offset=1');
    expect(page.body.data.state_files).toHaveLength(1);
  });

  it('parses a state into resources x instances with provider ids, outputs (sensitive hidden), serial, lineage, version', async () => {
    const { body } = await call('GET', `/api/v1/state/details?state_id=${await webStateId()}`);
    const data = body.data;
    expect(data).toMatchObject({ serial: 12, version: 4, terraform_version: '1.5.7', lineage: '8d5b2c1e-3f4a-4b6c-9d7e-0a1b2c3d4e5f' });
    const web = data.resources.find((r: { name: string }) => r.name === 'web_server');
    expect(web).toMatchObject({ type: 'aws_instance', id: 'i-0a1b2c3d4e5f60718', address: 'aws_instance.web_server' });
    expect(web.attributes.instance_type).toBe('t3.micro');
    expect(data.outputs).toMatchObject({ bucket_name: 'acme-web-assets-prod', db_password: '(sensitive)' });
  });

  it('hides sensitive attributes in details', async () => {
    const list = (await call('GET', '/api/v1/state/list')).body.data.state_files;
    const platform = list.find((f: { path: string }) => f.path === 'platform/terraform.tfstate');
    const { body } = await call('GET', `/api/v1/state/details?state_id=${platform.id}`);
    const db = body.data.resources.find((r: { type: string }) => r.type === 'aws_db_instance');
    expect(db.attributes.password).toBe('(sensitive)');
    expect(db.address).toBe('module.database.aws_db_instance.main');
  });

  it('import, remove, move and rollback each write a new serial (lineage kept) to the file and keep every version', async () => {
    const stateId = await webStateId();
    const imported = await call('POST', '/api/v1/state/import', { state_id: stateId, resource_type: 'aws_eip', resource_name: 'web', resource_id: 'eipalloc-0123', attributes: { domain: 'vpc' } });
    expect(imported.status).toBe(200);
    expect(imported.body.data).toMatchObject({ serial: 13, address: 'aws_eip.web' });
    let onDisk = parseTfState(fs.readFileSync(webPath(), 'utf8'));
    expect(onDisk.serial).toBe(13);
    expect(onDisk.lineage).toBe('8d5b2c1e-3f4a-4b6c-9d7e-0a1b2c3d4e5f');
    expect(onDisk.resources.some((r) => r.type === 'aws_eip' && r.instances[0]!.attributes!.id === 'eipalloc-0123')).toBe(true);

    const removed = await call('DELETE', `/api/v1/state/resources/eipalloc-0123?state_id=${stateId}`);
    expect(removed.body.data).toMatchObject({ serial: 14, removed: ['aws_eip.web'] });
    const moved = await call('POST', '/api/v1/state/move', { state_id: stateId, from_address: 'aws_s3_bucket.assets', to_address: 'aws_s3_bucket.static_assets' });
    expect(moved.body.data).toMatchObject({ serial: 15, to_address: 'aws_s3_bucket.static_assets' });
    const byAddress = await call('DELETE', `/api/v1/state/resources/aws_security_group.web?state_id=${stateId}`);
    expect(byAddress.body.data.serial).toBe(16);

    const history = await call('GET', `/api/v1/state/history?state_id=${stateId}`);
    expect(history.body.data.versions.map((v: { serial: number; action: string }) => [v.serial, v.action])).toEqual([
      [16, 'removed'],
      [15, 'moved'],
      [14, 'removed'],
      [13, 'imported'],
      [12, 'observed'],
    ]);

    const rolled = await call('POST', '/api/v1/state/rollback', { state_id: stateId, serial: 12 });
    expect(rolled.body.data).toMatchObject({ serial: 17, rolled_back_to: 12 });
    onDisk = parseTfState(fs.readFileSync(webPath(), 'utf8'));
    expect(onDisk.serial).toBe(17);
    expect(onDisk.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['aws_ami.ubuntu', 'aws_instance.web_server', 'aws_s3_bucket.assets', 'aws_security_group.web']);
    expect(fs.readdirSync(path.dirname(webPath()))).toEqual(['terraform.tfstate']);
    const actions = events.filter((e) => e.data.state_id === stateId).map((e) => e.data.action);
    expect(actions).toEqual(['imported', 'removed', 'moved', 'removed', 'rolled_back']);
  });

  it('notices a state file changed on disk by terraform and records it as a new version', async () => {
    const stateId = await webStateId();
    const state = parseTfState(fs.readFileSync(webPath(), 'utf8'));
    state.serial = 40;
    fs.writeFileSync(webPath(), `${JSON.stringify(state, null, 2)}\n`);
    const { body } = await call('GET', `/api/v1/state/details?state_id=${stateId}`);
    expect(body.data.serial).toBe(40);
    const history = await call('GET', `/api/v1/state/history?state_id=${stateId}`);
    expect(history.body.data.versions[0]).toMatchObject({ serial: 40, action: 'observed', current: true });
  });

  it('locks and unlocks with terraform-like lock info and publishes state_update events', async () => {
    const stateId = await webStateId();
    const locked = await call('POST', '/api/v1/state/lock', { state_id: stateId, reason: 'Running terraform apply' });
    expect(locked.status).toBe(200);
    expect(locked.body.data).toMatchObject({ locked: true, Info: 'Running terraform apply', Who: 'admin@vigil', Path: 'environments/prod/terraform.tfstate' });
    expect(locked.body.data.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('GET', '/api/v1/state/list')).body.data.state_files.find((f: { id: string }) => f.id === stateId).locked).toBe(true);
    // The holder may still operate on its own locked state.
    expect((await call('POST', '/api/v1/state/move', { state_id: stateId, from_address: 'aws_s3_bucket.assets', to_address: 'aws_s3_bucket.b' })).status).toBe(200);
    const unlocked = await call('POST', '/api/v1/state/unlock', { state_id: stateId });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.data).toMatchObject({ unlocked: true, forced: false });
    const lockEvents = events.filter((e) => e.data.state_id === stateId && ['locked', 'unlocked'].includes(String(e.data.action)));
    expect(lockEvents.map((e) => [e.data.action, e.data.reason])).toEqual([
      ['locked', 'Running terraform apply'],
      ['unlocked', 'Running terraform apply'],
    ]);
  });

  it('the module service gives snapshots for the drift engine', async () => {
    const { wired } = await import('./testing/wire-state-only');
    const snapshots = await wired.module!.service.listSnapshots(admin.organizationId);
    expect(snapshots.map((s) => s.path).sort()).toEqual(['environments/prod/terraform.tfstate', 'platform/terraform.tfstate']);
    const platform = snapshots.find((s) => s.path === 'platform/terraform.tfstate')!;
    expect(platform.resources.find((r) => r.indexKey === 'alice')).toMatchObject({ address: 'aws_iam_user.developers["alice"]', attributes: { id: 'alice' } });
    const again = await wired.module!.service.getSnapshot(admin.organizationId, platform.stateId);
    expect(again.serial).toBe(41);
    await expect(wired.module!.service.getSnapshot(admin.organizationId, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
  });
});

describe('/ws', () => {
  it('sends state_update messages (action locked / unlocked, with the reason) to the organization\'s clients', async () => {
    const { WebSocket } = await import('ws');
    const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const socket = new WebSocket(`${address.replace('http', 'ws')}/ws?token=${admin.token}`);
    const messages: { type: string; data: Record<string, unknown> }[] = [];
    socket.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    await vi.waitFor(() => expect(messages.some((m) => m.type === 'connection_established')).toBe(true));
    const stateId = await webStateId();
    await call('POST', '/api/v1/state/lock', { state_id: stateId, reason: 'Running terraform apply' });
    await call('POST', '/api/v1/state/unlock', { state_id: stateId });
    await vi.waitFor(() => expect(messages.filter((m) => m.type === 'state_update')).toHaveLength(2));
    const updates = messages.filter((m) => m.type === 'state_update');
    expect(updates[0]!.data).toMatchObject({ state_id: stateId, action: 'locked', reason: 'Running terraform apply' });
    expect(updates[1]!.data).toMatchObject({ state_id: stateId, action: 'unlocked' });
    socket.close();
  });
});

describe('OpenAPI', () => {
  it('documents the backend and state routes (the terraform protocol routes are hidden)', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(json(res).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/state/list', '/api/v1/backends', '/api/v1/backends/{id}/test', '/api/v1/state/lock']));
    expect(paths.some((p) => p.startsWith('/api/v1/terraform/'))).toBe(false);
  });
});
