import { toPlainJson } from './go-json';
import { type TfInstance, type TfResource, type TfState, formatIndexKey, instanceAddress, resourceAddress } from './tfstate';

/**
 * The state surgery terraform offers as `terraform import`, `state rm` and `state mv`, as pure functions on a
 * parsed state. They change the state in place and never touch serial or lineage (the caller bumps the serial).
 */
export class StateOperationError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedAddress {
  module?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** undefined: the whole resource; otherwise one instance (null = the instance without an index key). */
  indexKey?: string | number;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_-]*';
const INDEX = String.raw`\[(?:\d+|"(?:[^"\\]|\\.)*")\]`;
const ADDRESS_RE = new RegExp(`^((?:module\\.${IDENT}(?:${INDEX})?\\.)*)(data\\.)?(${IDENT})\\.(${IDENT})(${INDEX})?$`);

export function parseAddress(address: string): ParsedAddress {
  const match = ADDRESS_RE.exec(address.trim());
  if (!match) throw new StateOperationError('invalid', `"${address}" is not a resource address (expected [module.x.]type.name[index])`);
  const [, modulePart, data, type, name, index] = match;
  const parsed: ParsedAddress = { mode: data ? 'data' : 'managed', type: type!, name: name! };
  if (modulePart) parsed.module = modulePart.slice(0, -1);
  if (index) {
    const inner = index.slice(1, -1);
    parsed.indexKey = inner.startsWith('"') ? (JSON.parse(inner) as string) : Number(inner);
  }
  return parsed;
}

const sameResource = (resource: TfResource, address: Omit<ParsedAddress, 'indexKey'>) =>
  (resource.module ?? undefined) === address.module && resource.mode === address.mode && resource.type === address.type && resource.name === address.name;

export function findResource(state: TfState, address: Omit<ParsedAddress, 'indexKey'>): TfResource | undefined {
  return state.resources.find((resource) => sameResource(resource, address));
}

const sameKey = (instance: TfInstance, key: string | number | undefined) => (instance.index_key ?? undefined) === key;

function sortKey(resource: Pick<TfResource, 'module' | 'mode' | 'type' | 'name'>): string {
  return [resource.module ?? '', resource.mode, resource.type, resource.name].join('\u0000');
}

/** Inserts where terraform's writer would sort it (module, mode, type, name). */
function insertResource(state: TfState, resource: TfResource) {
  const key = sortKey(resource);
  const at = state.resources.findIndex((existing) => sortKey(existing) > key);
  if (at < 0) state.resources.push(resource);
  else state.resources.splice(at, 0, resource);
}

/** The provider terraform records for a type whose provider the caller did not name (`aws_instance` -> hashicorp/aws). */
export function defaultProviderFor(type: string): string {
  const local = type.split('_')[0] || type;
  return `provider["registry.terraform.io/hashicorp/${local}"]`;
}

export interface ImportInput {
  type: string;
  name: string;
  id: string;
  module?: string;
  provider?: string;
  indexKey?: string | number;
  attributes?: Record<string, unknown>;
}

/** Adds a managed resource instance (`terraform import` without the provider read). Returns its address. */
export function importResource(state: TfState, input: ImportInput): string {
  const target = { module: input.module, mode: 'managed' as const, type: input.type, name: input.name };
  let resource = findResource(state, target);
  if (resource) {
    if (input.indexKey === undefined || resource.instances.some((instance) => sameKey(instance, input.indexKey))) {
      const address = resourceAddress(target) + formatIndexKey(input.indexKey);
      throw new StateOperationError('conflict', `Resource ${address} already exists in the state`);
    }
  } else {
    resource = { ...(input.module ? { module: input.module } : {}), mode: 'managed', type: input.type, name: input.name, provider: input.provider ?? defaultProviderFor(input.type), instances: [] };
    insertResource(state, resource);
  }
  const attributes: Record<string, unknown> = { ...(input.attributes ?? {}), id: input.id };
  const instance: TfInstance = {
    ...(input.indexKey !== undefined ? { index_key: input.indexKey } : {}),
    schema_version: 0,
    attributes,
    sensitive_attributes: [],
  };
  resource.instances.push(instance);
  return instanceAddress(resource, instance);
}

/**
 * Removes instances by address (`aws_instance.web`, `module.a.aws_instance.web[0]`) or by the provider id of
 * an instance (`i-0abc...`, what import was given). Returns the removed instance addresses.
 */
export function removeResource(state: TfState, target: string): string[] {
  let parsed: ParsedAddress | null = null;
  try {
    parsed = parseAddress(target);
  } catch {
    parsed = null;
  }
  const removed: string[] = [];
  const matchesId = (instance: TfInstance) => {
    const id = (instance.attributes as Record<string, unknown> | undefined)?.id;
    return id !== undefined && String(toPlainJson(id)) === target;
  };
  const byAddress = parsed && state.resources.some((resource) => sameResource(resource, parsed!));
  for (const resource of [...state.resources]) {
    const keep = resource.instances.filter((instance) => {
      const hit = byAddress
        ? sameResource(resource, parsed!) && (parsed!.indexKey === undefined || sameKey(instance, parsed!.indexKey))
        : resource.mode === 'managed' && matchesId(instance);
      if (hit) removed.push(instanceAddress(resource, instance));
      return !hit;
    });
    if (keep.length === resource.instances.length) continue;
    resource.instances = keep;
    if (keep.length === 0) state.resources.splice(state.resources.indexOf(resource), 1);
  }
  if (removed.length === 0) throw new StateOperationError('not_found', `No resource ${target} in the state`);
  return removed;
}

/** `terraform state mv`: renames a resource, or moves one instance to another address of the same type. */
export function moveResource(state: TfState, fromAddress: string, toAddress: string): { from: string; to: string } {
  const from = parseAddress(fromAddress);
  const to = parseAddress(toAddress);
  if (from.type !== to.type || from.mode !== to.mode) {
    throw new StateOperationError('invalid', `Cannot move ${fromAddress} to ${toAddress}: the resource type must stay the same`);
  }
  const source = findResource(state, from);
  if (!source || (from.indexKey !== undefined && !source.instances.some((instance) => sameKey(instance, from.indexKey)))) {
    throw new StateOperationError('not_found', `No resource ${fromAddress} in the state`);
  }
  const target = findResource(state, to);
  if (from.indexKey === undefined && to.indexKey === undefined) {
    if (target) throw new StateOperationError('conflict', `Cannot move to ${toAddress}: it already exists in the state`);
    state.resources.splice(state.resources.indexOf(source), 1);
    if (to.module) source.module = to.module;
    else delete source.module;
    source.name = to.name;
    insertResource(state, source);
    return { from: resourceAddress(from), to: resourceAddress(to) };
  }
  const moving = source.instances.filter((instance) => from.indexKey === undefined || sameKey(instance, from.indexKey));
  if (moving.length !== 1) throw new StateOperationError('invalid', `${fromAddress} has ${moving.length} instances: move them one index at a time`);
  const instance = moving[0]!;
  if (target?.instances.some((existing) => sameKey(existing, to.indexKey))) {
    throw new StateOperationError('conflict', `Cannot move to ${toAddress}: it already exists in the state`);
  }
  if (target === source && from.indexKey === to.indexKey) throw new StateOperationError('conflict', 'Source and target are the same');
  source.instances.splice(source.instances.indexOf(instance), 1);
  if (to.indexKey === undefined) delete instance.index_key;
  else instance.index_key = to.indexKey;
  let destination = target;
  if (!destination) {
    destination = { ...(to.module ? { module: to.module } : {}), mode: to.mode, type: to.type, name: to.name, provider: source.provider, instances: [] };
    insertResource(state, destination);
  }
  destination.instances.push(instance);
  if (source.instances.length === 0) state.resources.splice(state.resources.indexOf(source), 1);
  return { from: fromAddress.trim(), to: instanceAddress(destination, instance) };
}
