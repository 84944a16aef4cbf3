import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { findResource, waitForResult } from './testing/drift-test-helpers';

let app: TestApp;
let admin: Session;

// Jobs run on the in-process queue, which runs with background jobs on (the scheduled scan stays off: interval 0).
beforeAll(async () => {
  app = await createTestApp({ config: { backgroundJobs: true } });
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const get = (url: string, session = admin) => app.app.inject({ method: 'GET', url, headers: session.headers });
const detect = (payload: unknown, session = admin) => app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: session.headers, payload: payload as object });

describe('drift detection on the example workspace', () => {
  it('contract flow: PUT tags on a live resource, then detect reports tags.Environment expected vs actual', async () => {
    const web = await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001');
    const tagged = await app.app.inject({
      method: 'PUT', url: `/api/v1/resources/${web.id}/tags`, headers: admin.headers,
      payload: { tags: { ...web.tags, Environment: 'staging' } },
    });
    expect(tagged.statusCode).toBe(200);

    const started = await detect({ resource_id: web.id, options: { deep_scan: false } });
    expect(started.statusCode).toBe(202);
    const accepted = json(started).data;
    expect(accepted).toMatchObject({ job_id: expect.any(String), result_id: expect.any(String), status: 'started', message: 'Drift detection job started' });

    const result = await waitForResult(app, admin.headers, accepted.result_id);
    expect(result).toMatchObject({ status: 'completed', job_id: accepted.job_id, resource_id: web.id, drift_detected: true, drift_count: 2 });
    const byField = Object.fromEntries(result.drifts.map((d: any) => [d.field, d]));
    expect(byField['tags.Environment']).toMatchObject({ expected: 'production', actual: 'staging', severity: 'high', kind: 'changed', resource_address: 'aws_instance.web', resource_id: web.id });
    expect(byField.instance_type).toMatchObject({ expected: 't3.medium', actual: 't3.large', severity: 'medium' });
    const patch = result.remediation.find((s: any) => s.action === 'restore_tags');
    expect(patch.request).toEqual({ method: 'PUT', path: `/api/v1/resources/${web.id}/tags`, body: { tags: { ...web.tags, Environment: 'production' } } });
    expect(result.remediation.find((s: any) => s.action === 'terraform_apply').command).toBe('terraform apply -target=aws_instance.web');

    // the job id finds the same result
    expect(json(await get(`/api/v1/drift/results/${accepted.job_id}`)).data.id).toBe(accepted.result_id);
  });

  it('a full scan reports changed, unmanaged and deleted resources and feeds summary and history', async () => {
    // no body at all: a full scan with the default options
    const accepted = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers })).data;
    expect(accepted.scope).toBe('all');
    const result = await waitForResult(app, admin.headers, accepted.result_id);
    expect(result.status).toBe('completed');
    const kinds = result.drifts.map((d: any) => `${d.kind}:${d.resource_address ?? d.provider_id}:${d.field ?? ''}`).sort();
    expect(kinds).toEqual([
      'changed:aws_instance.api:tags.Environment',
      'changed:aws_instance.web:instance_type',
      'changed:aws_instance.web:tags.Environment',
      'changed:aws_security_group.web:ingress',
      'deleted:aws_s3_bucket.logs:',
      'unmanaged:i-0deb0c0ffee0b0001:',
      'unmanaged:vigil-example-tmp-exports:',
    ]);
    expect(result.remediation.map((s: any) => s.command).filter(Boolean)).toEqual(
      expect.arrayContaining(['terraform state rm aws_s3_bucket.logs', 'terraform import aws_instance.debug-box i-0deb0c0ffee0b0001']),
    );

    const summary = json(await get('/api/v1/drift/summary')).data;
    expect(summary).toMatchObject({ resources_with_drift: 6, critical_drifts: 1, high_drifts: 3, medium_drifts: 3, low_drifts: 0, last_result_id: result.id });
    expect(summary.total_resources).toBe(result.resources_checked);
    expect(summary.drift_percentage).toBeCloseTo((6 / result.resources_checked) * 100, 1);

    const history = json(await get('/api/v1/drift/history?days=7')).data;
    expect(history.history).toHaveLength(7);
    expect(history.history[0]).toMatchObject({ drift_count: 7, resources_checked: result.resources_checked });
    expect(history.summary).toMatchObject({ total_drifts: 7, average_daily: 1, trend: 'unknown' });

    const listed = json(await get('/api/v1/drift/results?status=completed&limit=1')).data;
    expect(listed).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(listed.results[0].id).toBe(result.id);
  });

  it('scopes a scan to one state', async () => {
    const states = json(await get('/api/v1/state/list')).data.state_files as any[];
    const staging = states.find((s) => s.path.includes('staging'));
    expect(staging).toBeDefined();
    const accepted = json(await detect({ state_id: staging.id })).data;
    const result = await waitForResult(app, admin.headers, accepted.result_id);
    // staging only drifts on the LastDeployedAt tags, which the workspace .driftignore drops
    expect(result).toMatchObject({ status: 'completed', state_id: staging.id, drift_count: 0, drift_detected: false, resources_checked: 5 });
    expect(result.drifts).toEqual([]);
  });

  it('org ignore rules drop drifts on the next scan; results can be deleted', async () => {
    const put = await app.app.inject({ method: 'PUT', url: '/api/v1/drift/ignore', headers: admin.headers, payload: { rules: ['aws_security_group.web.ingress', 'aws_s3_bucket.*'] } });
    expect(put.statusCode).toBe(200);
    expect(json(put).data.workspace_rules).toContain('aws_instance.*.tags.LastDeployedAt');
    const result = await waitForResult(app, admin.headers, json(await detect({})).data.result_id);
    const fields = result.drifts.map((d: any) => d.field ?? d.kind);
    expect(fields).not.toContain('ingress');
    expect(result.drifts.some((d: any) => d.resource_type === 'aws_s3_bucket')).toBe(false);
    await app.app.inject({ method: 'PUT', url: '/api/v1/drift/ignore', headers: admin.headers, payload: { rules: [] } });

    const del = await app.app.inject({ method: 'DELETE', url: `/api/v1/drift/results/${result.id}`, headers: admin.headers });
    expect(del.statusCode).toBe(200);
    expect((await get(`/api/v1/drift/results/${result.id}`)).statusCode).toBe(404);
  });

  it('another organization sees none of it', async () => {
    const other = await registerUser(app, { organization: 'drift-other' });
    expect(json(await get('/api/v1/drift/results', other)).data.total).toBe(0);
    expect(json(await get('/api/v1/resources', other)).data.total).toBe(0);
    const summary = json(await get('/api/v1/drift/summary', other)).data;
    expect(summary).toMatchObject({ total_resources: 0, last_scan: null });
  });
});
