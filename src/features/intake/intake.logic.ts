/** Shared shaping of intake events: series names from labels, bounded metadata, batches. */

/** `name{k=v,...}` with sorted keys, as the OTLP receiver names labelled series (each learned on its own). */
export function seriesName(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  const labelled = keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}=${labels[k]}`).join(',')}}`;
  return labelled.slice(0, 200);
}

const MAX_METADATA_CHARS = 8_000;

/** Keeps metadata under the event's metadata limit: values are cut before the whole event is refused. */
export function boundedMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(metadata).length <= MAX_METADATA_CHARS) return metadata;
  const kept: Record<string, unknown> = {};
  let size = 2;
  for (const [key, value] of Object.entries(metadata)) {
    const text = typeof value === 'string' ? value.slice(0, 256) : value;
    const piece = JSON.stringify({ [key]: text }).length;
    if (size + piece > MAX_METADATA_CHARS - 64) continue;
    kept[key] = text;
    size += piece;
  }
  kept.vigil_truncated = true;
  return kept;
}

/** The first label present among `keys`, else the fallback (at most 200 characters, the source limit). */
export function firstLabel(labels: Record<string, string>, keys: string[], fallback: string): string {
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (value) return value.slice(0, 200);
  }
  return fallback;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
