import { JsonSyntaxError, cloneJson, parseGoJson, stringifyGoJson, toPlainJson } from './go-json';

/**
 * Terraform state, format version 4 (terraform 0.12 to 1.x). Objects keep every key they were read with, in
 * order, so `serializeTfState(parseTfState(text)) === text` for any file terraform wrote.
 */
export interface TfInstance {
  index_key?: string | number;
  status?: string;
  deposed?: string;
  schema_version: number;
  attributes?: Record<string, unknown>;
  sensitive_attributes?: unknown;
  private?: string;
  dependencies?: string[];
  [key: string]: unknown;
}

export interface TfResource {
  module?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  each?: string;
  provider: string;
  instances: TfInstance[];
  [key: string]: unknown;
}

export interface TfOutput {
  value: unknown;
  type: unknown;
  sensitive?: boolean;
  [key: string]: unknown;
}

export interface TfState {
  version: number;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, TfOutput>;
  resources: TfResource[];
  check_results?: unknown;
  [key: string]: unknown;
}

/** The text is not a terraform v4 state; the message says why (safe to show to a client). */
export class TfStateError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * JSON.parse is an order of magnitude faster than the lossless parser; its result is used when writing it back
 * reproduces the text exactly (true of every state terraform wrote without integer-like keys or odd numbers).
 */
function parseLossless(text: string): unknown {
  let quick: unknown;
  try {
    quick = JSON.parse(text);
  } catch {
    return parseGoJson(text); // reports where the syntax error is
  }
  if (quick !== null && typeof quick === 'object' && !hasProtoKey(text) && `${stringifyGoJson(quick)}\n` === text) return quick;
  return parseGoJson(text);
}

const hasProtoKey = (text: string) => text.includes('"__proto__"');

export function parseTfState(text: string): TfState {
  let document: unknown;
  try {
    document = parseLossless(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new TfStateError(`State is not valid JSON: ${error.message}`);
    throw error;
  }
  if (!isObject(document)) throw new TfStateError('State must be a JSON object');
  const version = Number(document.version);
  if (version !== 4) throw new TfStateError(`Unsupported state format version ${JSON.stringify(document.version ?? null)}: Vigil reads version 4`);
  if (typeof document.lineage !== 'string') throw new TfStateError('State has no lineage');
  const serial = Number(document.serial);
  if (!Number.isSafeInteger(serial) || serial < 0) throw new TfStateError('State serial must be a non-negative integer');
  if (document.terraform_version !== undefined && typeof document.terraform_version !== 'string') throw new TfStateError('terraform_version must be a string');
  if (document.outputs !== undefined && document.outputs !== null && !isObject(document.outputs)) throw new TfStateError('outputs must be an object');
  const resources = document.resources ?? [];
  if (!Array.isArray(resources)) throw new TfStateError('resources must be an array');
  resources.forEach(checkResource);
  return document as TfState;
}

function checkResource(resource: unknown, index: number) {
  const where = `resources[${index}]`;
  if (!isObject(resource)) throw new TfStateError(`${where} must be an object`);
  if (resource.mode !== 'managed' && resource.mode !== 'data') throw new TfStateError(`${where}.mode must be managed or data`);
  for (const key of ['type', 'name', 'provider'] as const) {
    if (typeof resource[key] !== 'string') throw new TfStateError(`${where}.${key} must be a string`);
  }
  if (resource.module !== undefined && typeof resource.module !== 'string') throw new TfStateError(`${where}.module must be a string`);
  if (!Array.isArray(resource.instances)) throw new TfStateError(`${where}.instances must be an array`);
  resource.instances.forEach((instance, i) => {
    if (!isObject(instance)) throw new TfStateError(`${where}.instances[${i}] must be an object`);
    const key = instance.index_key;
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') throw new TfStateError(`${where}.instances[${i}].index_key must be a string or number`);
    if (instance.attributes !== undefined && instance.attributes !== null && !isObject(instance.attributes)) {
      throw new TfStateError(`${where}.instances[${i}].attributes must be an object`);
    }
  });
}

/** Terraform's own layout: Go's MarshalIndent with two spaces, then a newline. */
export function serializeTfState(state: TfState): string {
  return `${stringifyGoJson(state)}\n`;
}

export const cloneTfState = (state: TfState): TfState => cloneJson(state);

/** A fresh, empty state (what terraform writes before the first apply). */
export function emptyTfState(lineage: string, terraformVersion = '1.5.7'): TfState {
  return { version: 4, terraform_version: terraformVersion, serial: 0, lineage, outputs: {}, resources: [], check_results: null };
}

/** Terraform addresses: `[module.a.][data.]type.name[index]`. */
export function formatIndexKey(key: string | number | null | undefined): string {
  if (key === undefined || key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

export function resourceAddress(resource: Pick<TfResource, 'module' | 'mode' | 'type' | 'name'>): string {
  const prefix = resource.module ? `${resource.module}.` : '';
  return `${prefix}${resource.mode === 'data' ? 'data.' : ''}${resource.type}.${resource.name}`;
}

export function instanceAddress(resource: TfResource, instance: TfInstance): string {
  return resourceAddress(resource) + formatIndexKey(instance.index_key);
}

export interface StateResourceInstanceView {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  module: string | null;
  provider: string;
  indexKey: string | number | null;
  attributes: Record<string, unknown>;
}

/** Every (current, not deposed) instance of the state as plain values. */
export function stateInstances(state: TfState): StateResourceInstanceView[] {
  const out: StateResourceInstanceView[] = [];
  for (const resource of state.resources ?? []) {
    for (const instance of resource.instances) {
      if (instance.deposed) continue;
      out.push({
        address: instanceAddress(resource, instance),
        mode: resource.mode,
        type: resource.type,
        name: resource.name,
        module: resource.module ?? null,
        provider: resource.provider,
        indexKey: instance.index_key ?? null,
        attributes: (toPlainJson(instance.attributes ?? {}) as Record<string, unknown>) ?? {},
      });
    }
  }
  return out;
}

export function plainOutputs(state: TfState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(state.outputs ?? {})) {
    out[name] = output?.sensitive ? '(sensitive)' : toPlainJson(output?.value);
  }
  return out;
}
