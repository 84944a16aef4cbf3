/**
 * Drift benchmark: a 10,000-resource Terraform state against its live inventory (2% changed, 1% deleted,
 * 1% unmanaged, inventory in shuffled order), Vigil's engine (type+id / type+name indexes, field-by-field diff) against a naive baseline
 * (quadratic pairing by scanning the inventory for each state resource, JSON.stringify of both sides, then a
 * recursive compare of the pairs that differ). Run: node --import tsx bench/drift/run.ts [count]
 */
import { computeDrift } from '../../src/features/drift/diff/drift-engine';
import type { LiveResource, StateInstance, StateSnapshotView } from '../../src/features/drift/drift.types';

const COUNT = Number(process.argv[2] ?? 10_000);
const RUNS = 7;

function instanceAttributes(i: number) {
  const kind = i % 3;
  const tags = { Environment: i % 2 ? 'production' : 'staging', Name: `res-${i}`, Owner: `team-${i % 17}`, CostCenter: `cc-${i % 50}` };
  if (kind === 0) {
    return { type: 'aws_instance', attributes: {
      id: `i-${i.toString(16).padStart(17, '0')}`, ami: 'ami-0c7217cdde317cfec', instance_type: 't3.medium', subnet_id: `subnet-${i % 40}`,
      vpc_security_group_ids: [`sg-${i % 90}`, `sg-${(i + 1) % 90}`], monitoring: true, ebs_optimized: true, private_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      root_block_device: [{ volume_size: 30, volume_type: 'gp3', encrypted: true, iops: 3000, throughput: 125, delete_on_termination: true }],
      metadata_options: [{ http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1 }], tags, tags_all: tags,
    } };
  }
  if (kind === 1) {
    return { type: 'aws_security_group', attributes: {
      id: `sg-x${i}`, name: `sg-${i}`, description: 'managed', vpc_id: `vpc-${i % 5}`,
      ingress: [443, 80, 8080].map((port) => ({ from_port: port, to_port: port, protocol: 'tcp', cidr_blocks: ['10.0.0.0/8', '0.0.0.0/0'], description: `p${port}`, self: false, security_groups: [], ipv6_cidr_blocks: [], prefix_list_ids: [] })),
      egress: [{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'], description: '', self: false, security_groups: [], ipv6_cidr_blocks: [], prefix_list_ids: [] }], tags, tags_all: tags,
    } };
  }
  return { type: 'aws_s3_bucket', attributes: {
    id: `bucket-${i}`, bucket: `bucket-${i}`, versioning: [{ enabled: true, mfa_delete: false }],
    server_side_encryption_configuration: [{ rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'AES256', kms_master_key_id: '' }], bucket_key_enabled: false }] }], tags, tags_all: tags,
  } };
}

function dataset(count: number) {
  const resources: StateInstance[] = [];
  const live: LiveResource[] = [];
  for (let i = 0; i < count; i++) {
    const { type, attributes } = instanceAttributes(i);
    resources.push({ address: `${type}.r${i}`, mode: 'managed', type, name: `r${i}`, module: null, provider: 'provider["registry.terraform.io/hashicorp/aws"]', indexKey: null, attributes });
    if (i % 100 === 7) continue; // 1% deleted
    const actual = structuredClone(attributes) as Record<string, any>;
    if (i % 50 === 3) {
      if (type === 'aws_instance') actual.instance_type = 't3.large';
      else if (type === 'aws_security_group') actual.ingress.push({ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], description: 'ssh', self: false, security_groups: [], ipv6_cidr_blocks: [], prefix_list_ids: [] });
      else actual.versioning[0].enabled = false;
    }
    if (i % 50 === 11) actual.tags = { ...actual.tags, Environment: 'dev' };
    if (type === 'aws_security_group') actual.ingress.reverse(); // set order differs: no drift
    const tags = actual.tags;
    delete actual.tags;
    delete actual.tags_all;
    live.push({ id: `live-${i}`, provider: 'snapshot', type, resourceId: attributes.id as string, name: `res-${i}`, region: 'us-east-1', status: 'running', tags, attributes: actual, usage: {} });
  }
  for (let u = 0; u < count / 100; u++) {
    live.push({ id: `unmanaged-${u}`, provider: 'snapshot', type: 'aws_instance', resourceId: `i-unmanaged-${u}`, name: `stray-${u}`, region: 'us-east-1', status: 'running', tags: {}, attributes: { instance_type: 't3.micro' }, usage: {} });
  }
  // Inventories come in provider order, not state order: a deterministic shuffle (LCG) so neither side is favoured.
  let seed = 42;
  for (let i = live.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [live[i], live[j]] = [live[j]!, live[i]!];
  }
  const snapshot: StateSnapshotView = { stateId: 'bench', backendId: 'bench', path: 'bench.tfstate', serial: 1, lineage: 'l', terraformVersion: '1.6.6', resources, outputs: {} };
  return { snapshot, live };
}

/** The naive baseline: quadratic pairing, whole-document JSON comparison, recursive compare without set semantics. */
function naiveDrift(snapshot: StateSnapshotView, live: LiveResource[]) {
  const drifts: { address: string; field: string }[] = [];
  const claimed = new Set<LiveResource>();
  const walk = (address: string, path: string, a: unknown, b: unknown) => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) walk(address, path ? `${path}.${key}` : key, (a as any)[key], (b as any)[key]);
    } else if (a !== b) drifts.push({ address, field: path });
  };
  for (const instance of snapshot.resources) {
    let match: LiveResource | undefined;
    for (const candidate of live) {
      if (candidate.type === instance.type && (candidate.resourceId === instance.attributes.id || candidate.name === instance.name)) {
        match = candidate;
        break;
      }
    }
    if (!match) {
      drifts.push({ address: instance.address, field: '(deleted)' });
      continue;
    }
    claimed.add(match);
    const { tags_all: _ignored, ...expected } = instance.attributes;
    const actual = { ...match.attributes, tags: match.tags };
    if (JSON.stringify(expected) !== JSON.stringify(actual)) walk(instance.address, '', expected, actual);
  }
  for (const resource of live) if (!claimed.has(resource)) drifts.push({ address: resource.resourceId, field: '(unmanaged)' });
  return drifts;
}

function time<T>(work: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const { snapshot, live } = dataset(COUNT);
const options = { deep_scan: false, include_deleted: true, include_unmanaged: true };
const engineRuns: number[] = [];
const naiveRuns: number[] = [];
let engineFindings = 0;
let naiveFindings = 0;
for (let run = 0; run < RUNS; run++) {
  const engine = time(() => computeDrift({ snapshots: [snapshot], live, scope: { kind: 'all' }, options, ignoreRules: [] }));
  engineRuns.push(engine.ms);
  engineFindings = engine.result.findings.length;
  if (run < 3) {
    const naive = time(() => naiveDrift(snapshot, live));
    naiveRuns.push(naive.ms);
    naiveFindings = naive.result.length;
  }
}
const engineMs = median(engineRuns);
const naiveMs = median(naiveRuns);
console.log(`drift benchmark: ${COUNT} state resources vs ${live.length} live resources (node ${process.version})`);
console.log(`  vigil engine  : median ${engineMs.toFixed(1)} ms over ${RUNS} runs (min ${Math.min(...engineRuns).toFixed(1)} ms), ${engineFindings} findings`);
console.log(`  naive baseline: median ${naiveMs.toFixed(1)} ms over ${naiveRuns.length} runs, ${naiveFindings} findings (counts set reorderings as drift)`);
console.log(`  ratio         : ${(naiveMs / engineMs).toFixed(1)}x faster; goal < 1000 ms: ${engineMs < 1000 ? 'met' : 'NOT met'}`);
