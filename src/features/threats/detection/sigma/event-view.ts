/**
 * EventViews over our data: a flat field record (parsed log lines) or an arbitrary JSON object whose nested
 * leaves are also reachable by their own names (`EventData.Image` answers `Image`), as the CLI contract asks.
 */
import type { EventView } from '../types';

export function recordView(fields: Record<string, unknown>, rawText: string): EventView {
  let lowered: string | null = null;
  return {
    get(field) {
      const v = fields[field];
      if (v === undefined) return [];
      return Array.isArray(v) ? v : [v];
    },
    keywordText() {
      if (lowered === null) lowered = rawText.toLowerCase();
      return lowered;
    },
  };
}

export function jsonEventView(event: unknown): EventView {
  const byName = new Map<string, unknown[]>();
  const strings: string[] = [];
  const add = (key: string, value: unknown): void => {
    const list = byName.get(key);
    if (list) list.push(value);
    else byName.set(key, [value]);
  };
  const walk = (value: unknown, path: string, leaf: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, path, leaf);
      if (value.length === 0 && path) add(path, null);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, k);
      return;
    }
    if (!path) return;
    add(path, value);
    if (leaf !== path) add(leaf, value);
    if (typeof value === 'string') strings.push(value);
  };
  walk(event, '', '');
  let lowered: string | null = null;
  const lowerIndex = new Map<string, string>();
  for (const key of byName.keys()) if (!lowerIndex.has(key.toLowerCase())) lowerIndex.set(key.toLowerCase(), key);
  return {
    get(field) {
      const exact = byName.get(field);
      if (exact) return exact;
      const other = lowerIndex.get(field.toLowerCase());
      return other ? (byName.get(other) ?? []) : [];
    },
    keywordText() {
      if (lowered === null) lowered = strings.join('\n').toLowerCase();
      return lowered;
    },
  };
}
