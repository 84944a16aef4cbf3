import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { registerUser } from '../../../test/support/http';
import type { VigilEvent } from '../../events/catalogue';
import { createDriftModule, type DriftModule } from './drift.module';
import { createFakeStateSource, snapshotFromTfState } from './testing/fake-state-source';
import { DEFAULT_WORKSPACE_ROOT } from './workspace';

/**
 * The drift services driven synchronously (no queue, no HTTP), on the real database, with an in-memory state
 * source holding the example production state for a fresh organization.
 */
let app: TestApp;
let drift: DriftModule;
let principal: any;
const events: VigilEvent[] = [];

beforeAll(async () => {
  app = await createTestApp();
  const session = await registerUser(app, { organization: 'sync-org' });
  principal = { userId: session.userId, organizationId: session.organizationId, role: 'admin', username: 'u', email: 'e', via: 'jwt', apiKeyId: null, permissions: ['read', 'write'] };
  const text = fs.readFileSync(path.join(DEFAULT_WORKSPACE_ROOT, 'states', 'production', 'terraform.tfstate'), 'utf8');
  drift = createDriftModule(app.core, { state: createFakeStateSource({ [session.organizationId]: [snapshotFromTfState('prod-state', text)] }) });
  app.core.bus.subscribe(['drift.detected', 'drift.scan_completed', 'remediation.updated', 'resource.updated'], (event) => void events.push(event), { scope: 'local' });
  const inventory = JSON.parse(fs.readFileSync(path.join(DEFAULT_WORKSPACE_ROOT, 'inventory', 'production.json'), 'utf8'));
  await drift.services.inventory.push(principal, { items: inventory.configurationItems, accountId: inventory.accountId });
});
afterAll(async () => app?.teardown());

describe('drift jobs run synchronously through the service', () => {
  it('detect stores a pending job; runJob completes it and publishes events after commit', async () => {
    const accepted = await drift.services.detect.detect(principal, {});
    expect((await drift.services.reports.get(principal, accepted.result_id)).status).toBe('pending');
    expect(await drift.services.detect.runJob(accepted.job_id)).toBe(true);
    expect(await drift.services.detect.runJob(accepted.job_id)).toBe(false); // already done: not run twice

    const result = await drift.services.reports.get(principal, accepted.result_id);
    expect(result.status).toBe('completed');
    // no workspace .driftignore for this organization, so nothing is dropped
    expect(result.drifts.map((d) => d.kind).sort()).toEqual(['changed', 'changed', 'changed', 'deleted', 'unmanaged', 'unmanaged']);

    const detected = events.find((e) => e.type === 'drift.detected')!;
    expect(detected.data).toMatchObject({ result_id: accepted.result_id, drift_count: 6, job_id: accepted.job_id });
    expect(events.find((e) => e.type === 'drift.scan_completed')!.data).toMatchObject({ status: 'completed', drift_detected: true, drift_count: 6 });
    const plans = events.filter((e) => e.type === 'remediation.updated').map((e) => (e.data as any).plan.action).sort();
    expect(plans).toEqual(['restore_tags', 'terraform_apply', 'terraform_apply', 'terraform_import', 'terraform_import', 'terraform_state_rm']);
  });

  it('a job whose state disappeared fails with a message instead of hanging', async () => {
    const other = await registerUser(app, { organization: 'no-states' });
    const otherPrincipal = { ...principal, userId: other.userId, organizationId: other.organizationId };
    await drift.services.inventory.push(otherPrincipal, { items: [{ type: 'aws_s3_bucket', resourceId: 'b1' }] });
    const accepted = await drift.services.detect.detect(otherPrincipal, {});
    await app.core.db.updateTable('drift_jobs').set({ scope: 'state', state_id: 'gone' }).where('id', '=', accepted.job_id).execute();
    await drift.services.detect.runJob(accepted.job_id);
    const result = await drift.services.reports.get(otherPrincipal, accepted.result_id);
    expect(result).toMatchObject({ status: 'failed', error: 'State not found' });
  });

  it('a scheduled scan queues a full scan for every organization with an inventory', async () => {
    const before = (await drift.services.reports.list(principal, { limit: 100, offset: 0 })).total;
    await drift.services.detect.scheduledScan();
    await drift.services.detect.runPending();
    const listed = await drift.services.reports.list(principal, { limit: 100, offset: 0 });
    expect(listed.total).toBe(before + 1);
    expect(listed.results[0]).toMatchObject({ scope: 'all', status: 'completed', drift_count: 6 });
    const defaultOrg = await app.core.accounts.defaultOrganizationId();
    const defaultResults = await drift.services.reports.list({ ...principal, organizationId: defaultOrg }, { limit: 10, offset: 0 });
    expect(defaultResults.results.map((r) => r.scope)).toEqual(['all']);
  });

  it('pending jobs are drained by runPending, and running ones re-queued at start', async () => {
    const first = await drift.services.detect.detect(principal, { options: { include_unmanaged: false } });
    await app.core.db.updateTable('drift_jobs').set({ status: 'running' }).where('id', '=', first.job_id).execute();
    await drift.services.detect.start();
    await drift.services.detect.runPending();
    await drift.services.detect.stop();
    const result = await drift.services.reports.get(principal, first.result_id);
    expect(result.status).toBe('completed');
    expect(result.drifts.some((d) => d.kind === 'unmanaged')).toBe(false);
  });

  it('records a daily cost snapshot per resource; trend stays unknown without an older one', async () => {
    const resources = await drift.services.inventory.liveResources(principal.organizationId);
    const web = resources.find((r) => r.resourceId === 'i-0a1b2c3d4e5f60001')!;
    const rows = await app.core.db.selectFrom('drift_cost_snapshots').selectAll().where('resource_id', '=', web.id).execute();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.monthly_cents)).toBe(Math.round((await drift.services.costs.report(principal.organizationId, web)).cost.current_month * 100));
    // an estimate recorded 10 days ago at half the price makes the trend 'increasing'
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    await app.core.db.insertInto('drift_cost_snapshots').values({ ...rows[0]!, day: tenDaysAgo, monthly_cents: Math.round(Number(rows[0]!.monthly_cents) / 2) }).execute();
    expect((await drift.services.costs.report(principal.organizationId, web)).trend).toBe('increasing');
  });
});
