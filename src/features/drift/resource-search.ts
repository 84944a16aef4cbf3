import type { LiveResource } from './drift.types';

/**
 * Ranks resources for a free-text query: an exact name (or provider id) beats a name prefix, which beats token
 * matches over name, type, id, region and tags. Every query token must match somewhere; ties go to the shorter name.
 */
export function rankResources<T extends LiveResource>(resources: T[], query: string): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const tokens = q.split(/[\s,]+/).filter(Boolean);
  const scored: { resource: T; score: number }[] = [];
  for (const resource of resources) {
    const name = resource.name.toLowerCase();
    const id = resource.resourceId.toLowerCase();
    let score = 0;
    if (name === q || id === q) score = 1000;
    else if (name.startsWith(q) || id.startsWith(q)) score = 500;
    const fields = [name, resource.type.toLowerCase(), id, resource.region.toLowerCase(), ...Object.entries(resource.tags).map(([k, v]) => `${k}:${v}`.toLowerCase())];
    const words = fields.flatMap((field) => field.split(/[^a-z0-9.:/]+/)).filter(Boolean);
    let tokenScore = 0;
    let allMatched = true;
    for (const token of tokens) {
      if (words.includes(token)) tokenScore += 20;
      else if (words.some((word) => word.startsWith(token))) tokenScore += 10;
      else if (fields.some((field) => field.includes(token))) tokenScore += 5;
      else allMatched = false;
    }
    if (score === 0 && !allMatched) continue;
    scored.push({ resource, score: score + tokenScore });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.resource.name.length - b.resource.name.length || a.resource.name.localeCompare(b.resource.name))
    .map((entry) => entry.resource);
}

/** `tags=Environment:production,Team:x` -> [['Environment','production'], ['Team','x']]; a bare key matches any value. */
export function parseTagFilter(value: string | undefined): [string, string | null][] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf(':');
      return at === -1 ? [part, null] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    });
}

export function matchesTags(tags: Record<string, string>, filter: [string, string | null][]): boolean {
  return filter.every(([key, value]) => Object.hasOwn(tags, key) && (value === null || tags[key] === value));
}
