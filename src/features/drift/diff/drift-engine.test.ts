import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DetectOptions, LiveResource, StateSnapshotView } from '../drift.types';
import { readInventoryFile } from '../inventory/providers/snapshot.provider';
import { snapshotFromTfState } from '../testing/fake-state-source';
import { DEFAULT_WORKSPACE_ROOT, readWorkspaceIgnore } from '../workspace';
import { computeDrift } from './drift-engine';
import { parseIgnoreRules } from './ignore-rules';
import { planRemediation } from './remediation';

const ALL: DetectOptions = { deep_scan: false, include_deleted: true, include_unmanaged: true };

function workspace() {
  const snapshots: StateSnapshotView[] = ['production', 'staging'].map((env) =>
    snapshotFromTfState(env, fs.readFileSync(path.join(DEFAULT_WORKSPACE_ROOT, 'states', env, 'terraform.tfstate'), 'utf8')),
  );
  const live: LiveResource[] = ['production', 'staging'].flatMap((env) =>
    readInventoryFile(path.join(DEFAULT_WORKSPACE_ROOT, 'inventory', `${env}.json`)).resources.map((r, i) => ({ ...r, id: `${env}-${i}`, provider: 'snapshot' })),
  );
  return { snapshots, live, ignoreRules: parseIgnoreRules(readWorkspaceIgnore([DEFAULT_WORKSPACE_ROOT])) };
}

const summary = (findings: ReturnType<typeof computeDrift>['findings']) =>
  findings.map((f) => `${f.kind} ${f.resource_address ?? `${f.resource_type}:${f.provider_id}`}${f.field ? ` ${f.field}` : ''} ${f.severity}`).sort();

describe('computeDrift on the example workspace', () => {
  it('finds exactly the drift the workspace was built with', () => {
    const { snapshots, live, ignoreRules } = workspace();
    const result = computeDrift({ snapshots, live, scope: { kind: 'all' }, options: ALL, ignoreRules });
    expect(summary(result.findings)).toEqual([
      'changed aws_instance.api tags.Environment high',
      'changed aws_instance.web instance_type medium',
      'changed aws_security_group.web ingress critical',
      'deleted aws_s3_bucket.logs high',
      'unmanaged aws_instance:i-0deb0c0ffee0b0001 medium',
      'unmanaged aws_s3_bucket:vigil-example-tmp-exports medium',
    ]);
    // worker LastDeployedAt tags (2) and the scratch bucket are dropped by .driftignore
    expect(result.ignored).toBe(3);
    const env = result.findings.find((f) => f.field === 'tags.Environment')!;
    expect([env.expected, env.actual]).toEqual(['production', 'prod']);
    const ingress = result.findings.find((f) => f.field === 'ingress')!;
    expect(ingress.details!.added).toHaveLength(1);
    expect(ingress.details!.added[0]).toMatchObject({ from_port: 22, cidr_blocks: ['0.0.0.0/0'] });
  });

  it('scopes to one state: its changes and deleted resources, unmanaged only on request', () => {
    const { snapshots, live, ignoreRules } = workspace();
    const staging = computeDrift({ snapshots, live, scope: { kind: 'state', stateId: 'staging' }, options: { ...ALL, include_unmanaged: false }, ignoreRules });
    expect(staging.findings).toEqual([]);
    expect(staging.resourcesChecked).toBe(5);
    const production = computeDrift({ snapshots, live, scope: { kind: 'state', stateId: 'production' }, options: { ...ALL, include_unmanaged: false, include_deleted: false }, ignoreRules });
    expect(production.findings.map((f) => f.kind)).toEqual(['changed', 'changed', 'changed']);
  });

  it('scopes to one live resource; an unpaired one is reported unmanaged', () => {
    const { snapshots, live, ignoreRules } = workspace();
    const web = live.find((r) => r.resourceId === 'i-0a1b2c3d4e5f60001')!;
    const result = computeDrift({ snapshots, live, scope: { kind: 'resource', resourceId: web.id }, options: ALL, ignoreRules });
    expect(summary(result.findings)).toEqual(['changed aws_instance.web instance_type medium']);
    const debug = live.find((r) => r.name === 'debug-box')!;
    expect(computeDrift({ snapshots, live, scope: { kind: 'resource', resourceId: debug.id }, options: ALL, ignoreRules }).findings[0]!.kind).toBe('unmanaged');
  });

  it('pairs by type + name when the live id differs from the state id', () => {
    const { snapshots } = workspace();
    const live: LiveResource[] = [
      { id: 'x', provider: 'snapshot', type: 'aws_instance', resourceId: 'i-other', name: 'web', region: 'us-east-1', status: 'running', tags: { Environment: 'production' }, attributes: { instance_type: 't3.small' }, usage: {} },
    ];
    const result = computeDrift({ snapshots: [snapshots[1]!], live, scope: { kind: 'resource', resourceId: 'x' }, options: ALL, ignoreRules: [] });
    expect(result.findings.map((f) => f.field).sort()).toContain('tags.Environment');
    expect(result.findings.every((f) => f.resource_address === 'aws_instance.web')).toBe(true);
  });

  it('plans remediation: tag patch, apply, import, state rm', () => {
    const { snapshots, live, ignoreRules } = workspace();
    const result = computeDrift({ snapshots, live, scope: { kind: 'all' }, options: ALL, ignoreRules });
    const steps = planRemediation(result.findings, new Map(live.map((r) => [r.id, r])), new Set(['snapshot']));
    const byAction = (action: string) => steps.filter((s) => s.action === action);
    expect(byAction('restore_tags')[0]!.request!.body.tags.Environment).toBe('production');
    expect(byAction('terraform_apply').map((s) => s.command).sort()).toEqual(['terraform apply -target=aws_instance.web', 'terraform apply -target=aws_security_group.web']);
    expect(byAction('terraform_import').map((s) => s.command).sort()).toEqual([
      'terraform import aws_instance.debug-box i-0deb0c0ffee0b0001',
      'terraform import aws_s3_bucket.vigil-example-tmp-exports vigil-example-tmp-exports',
    ]);
    expect(byAction('terraform_state_rm')[0]!.command).toBe('terraform state rm aws_s3_bucket.logs');
  });
});
