import type { LiveResource, StateInstance } from '../drift.types';

export interface ManagedInstance extends StateInstance {
  stateId: string;
}

export interface Pairing {
  pairs: { instance: ManagedInstance; live: LiveResource }[];
  /** In a state, not live. */
  deleted: ManagedInstance[];
  /** Live, in no state. */
  unmanaged: LiveResource[];
}

const key = (type: string, value: string) => `${type}\u0000${value}`;

/** Ids the provider would report for a state instance: `id`, then `arn`. */
function providerIds(instance: StateInstance): string[] {
  const ids: string[] = [];
  for (const attribute of ['id', 'arn']) {
    const value = instance.attributes[attribute];
    if (typeof value === 'string' && value) ids.push(value);
  }
  return ids;
}

/** Names a live resource may carry for a state instance: Name tag, bucket/identifier/name, then the Terraform name. */
export function candidateNames(instance: StateInstance): string[] {
  const names: string[] = [];
  const attributes = instance.attributes;
  const tags = attributes.tags as Record<string, unknown> | null | undefined;
  if (tags && typeof tags.Name === 'string') names.push(tags.Name);
  for (const attribute of ['bucket', 'identifier', 'name']) {
    const value = attributes[attribute];
    if (typeof value === 'string' && value) names.push(value);
  }
  names.push(instance.name);
  return names;
}

/**
 * Pairs managed state instances with live resources of the same type, in two passes so that the stronger
 * evidence wins: first by provider id (`id`/`arn` attribute = the live resource id), then by name (type + name).
 * Each live resource pairs at most once. Indexing by type+id and type+name makes this linear in the inputs.
 */
export function pairResources(instances: ManagedInstance[], live: LiveResource[]): Pairing {
  const byId = new Map<string, LiveResource>();
  const byName = new Map<string, LiveResource[]>();
  for (const resource of live) {
    byId.set(key(resource.type, resource.resourceId), resource);
    const list = byName.get(key(resource.type, resource.name));
    if (list) list.push(resource);
    else byName.set(key(resource.type, resource.name), [resource]);
  }
  const claimed = new Set<string>();
  const pairs: Pairing['pairs'] = [];
  const unpaired: ManagedInstance[] = [];

  for (const instance of instances) {
    const match = providerIds(instance)
      .map((id) => byId.get(key(instance.type, id)))
      .find((resource) => resource && !claimed.has(resource.id));
    if (match) {
      claimed.add(match.id);
      pairs.push({ instance, live: match });
    } else unpaired.push(instance);
  }
  const deleted: ManagedInstance[] = [];
  for (const instance of unpaired) {
    let match: LiveResource | undefined;
    for (const name of candidateNames(instance)) {
      match = byName.get(key(instance.type, name))?.find((resource) => !claimed.has(resource.id));
      if (match) break;
    }
    if (match) {
      claimed.add(match.id);
      pairs.push({ instance, live: match });
    } else deleted.push(instance);
  }
  return { pairs, deleted, unmanaged: live.filter((resource) => !claimed.has(resource.id)) };
}
