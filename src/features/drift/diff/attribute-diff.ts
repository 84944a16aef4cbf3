import { canonicalJson, isPlainObject, isUnset } from './canonical';

export interface FieldDiff {
  path: string;
  expected: unknown;
  actual: unknown;
  /** Set-compared lists: members only on the live side (added) and only in the state (removed). */
  details?: { added: unknown[]; removed: unknown[] };
}

/**
 * Top-level attributes Terraform computes or that change without anyone touching the resource. Compared only
 * by a deep scan. `tags_all` is never compared: it repeats `tags` plus provider default tags.
 */
export const COMPUTED_ATTRIBUTES = new Set([
  'id', 'arn', 'owner_id', 'unique_id', 'create_date', 'creation_date', 'timeouts', 'instance_state', 'public_dns',
  'private_dns', 'public_ip', 'password', 'user_data', 'last_modified', 'etag', 'latest_restorable_time', 'address',
  'endpoint', 'hosted_zone_id', 'bucket_domain_name', 'bucket_regional_domain_name', 'dns_name', 'network_interface_id',
  'primary_network_interface_id', 'status', 'resource_id', 'arn_suffix', 'zone_id', 'outpost_arn', 'host_id',
]);
const NEVER_COMPARED = new Set(['tags_all']);

/** List attributes whose order means nothing (Terraform sets): compared by member, by canonical JSON. */
export const SET_ATTRIBUTES = new Set([
  'ingress', 'egress', 'vpc_security_group_ids', 'security_groups', 'security_group_ids', 'subnets', 'subnet_ids',
  'cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'managed_policy_arns', 'enabled_cloudwatch_logs_exports',
  'availability_zones', 'inline_policy', 'grant', 'aliases',
]);

/**
 * Field-by-field differences between a state instance's attributes (expected) and the live attributes (actual).
 * Rules: a top-level attribute the live side does not report, or that the state holds as null (unknown or
 * computed), is skipped. Below the top level both sides are compared completely: a tag added or removed
 * live is a difference. Lists of one block recurse (`root_block_device.0.volume_size`); set attributes compare
 * members by canonical JSON; JSON policy strings compare as documents; "" / [] / {} / null are all "unset".
 */
export function diffAttributes(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
  options: { deep?: boolean; /** Live tags kept apart from the attributes; compared as the `tags` attribute. */ tags?: Record<string, string> } = {},
): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const key in expected) {
    if (NEVER_COMPARED.has(key) || (!options.deep && COMPUTED_ATTRIBUTES.has(key))) continue;
    const useTags = key === 'tags' && options.tags !== undefined;
    if (!useTags && !Object.hasOwn(actual, key)) continue;
    const value = expected[key];
    if (value === null || value === undefined) continue;
    compareValue(key, key, value, useTags ? options.tags : actual[key], out);
  }
  return out;
}

function compareValue(path: string, attribute: string, expected: unknown, actual: unknown, out: FieldDiff[]): void {
  if (isUnset(expected) && isUnset(actual)) return;
  if (Array.isArray(expected) && Array.isArray(actual)) return compareLists(path, attribute, expected, actual, out);
  if (isPlainObject(expected) && isPlainObject(actual)) return compareObjects(path, attribute, expected, actual, out);
  if (typeof expected === 'string' && typeof actual === 'string' && looksLikeJsonDocument(expected) && looksLikeJsonDocument(actual)) {
    const a = parseJson(expected);
    const b = parseJson(actual);
    if (a !== undefined && b !== undefined) {
      if (canonicalJson(a) !== canonicalJson(b)) out.push({ path, expected: a, actual: b });
      return;
    }
  }
  if (!sameScalar(expected, actual)) out.push({ path, expected: expected ?? null, actual: actual ?? null });
}

function compareObjects(path: string, attribute: string, expected: Record<string, unknown>, actual: Record<string, unknown>, out: FieldDiff[]) {
  for (const key in expected) compareValue(`${path}.${key}`, attribute, expected[key], actual[key], out);
  for (const key in actual) {
    if (!Object.hasOwn(expected, key)) compareValue(`${path}.${key}`, attribute, undefined, actual[key], out);
  }
}

function compareLists(path: string, attribute: string, expected: unknown[], actual: unknown[], out: FieldDiff[]) {
  const leaf = path.split('.').at(-1)!;
  const allScalars = [...expected, ...actual].every((v) => !isPlainObject(v) && !Array.isArray(v));
  if (SET_ATTRIBUTES.has(leaf) || (allScalars && SET_ATTRIBUTES.has(attribute))) {
    return compareSets(path, expected, actual, out);
  }
  if (expected.length === actual.length && expected.every(isPlainObject)) {
    expected.forEach((item, index) => compareValue(`${path}.${index}`, attribute, item, actual[index], out));
    return;
  }
  if (allScalars) {
    if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push({ path, expected, actual });
    return;
  }
  const length = Math.max(expected.length, actual.length);
  for (let index = 0; index < length; index++) compareValue(`${path}.${index}`, attribute, expected[index], actual[index], out);
}

function compareSets(path: string, expected: unknown[], actual: unknown[], out: FieldDiff[]) {
  // Members are matched on their JSON text first (cheap, catches reordered lists); only the members left over
  // are compared on canonical JSON, which also ignores key order and the order of nested lists.
  const expectedText = expected.map((item) => JSON.stringify(item));
  const actualText = actual.map((item) => JSON.stringify(item));
  const actualSet = new Set(actualText);
  const expectedSet = new Set(expectedText);
  const leftExpected = expected.filter((_, index) => !actualSet.has(expectedText[index]!));
  const leftActual = actual.filter((_, index) => !expectedSet.has(actualText[index]!));
  if (!leftExpected.length && !leftActual.length) return;
  const canonicalExpected = new Map(leftExpected.map((item) => [canonicalJson(item), item]));
  const canonicalActual = new Map(leftActual.map((item) => [canonicalJson(item), item]));
  const removed = [...canonicalExpected].filter(([key]) => !canonicalActual.has(key)).map(([, item]) => item);
  const added = [...canonicalActual].filter(([key]) => !canonicalExpected.has(key)).map(([, item]) => item);
  if (added.length || removed.length) out.push({ path, expected, actual, details: { added, removed } });
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (isUnset(expected) && isUnset(actual)) return true;
  // Providers disagree on scalar encodings: 30 vs "30", true vs "true".
  if (typeof expected !== typeof actual && expected !== null && actual !== null && typeof expected !== 'object' && typeof actual !== 'object') {
    return String(expected) === String(actual);
  }
  return false;
}

const looksLikeJsonDocument = (text: string) => {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
