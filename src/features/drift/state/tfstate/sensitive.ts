import { cloneJson } from './go-json';

export const SENSITIVE = '(sensitive)';

/**
 * Replaces the attributes terraform marked sensitive (`sensitive_attributes`: paths of get_attr/index steps,
 * as a list of paths or, in older states, one path per entry) with "(sensitive)".
 */
export function maskSensitive(attributes: Record<string, unknown>, sensitivePaths: unknown): Record<string, unknown> {
  if (!Array.isArray(sensitivePaths) || sensitivePaths.length === 0) return attributes;
  const out = cloneJson(attributes);
  for (const path of sensitivePaths) {
    const steps = Array.isArray(path) ? path : [path];
    const keys: (string | number)[] = [];
    for (const step of steps) {
      const s = step as { type?: string; value?: unknown };
      if (s.type === 'get_attr' && typeof s.value === 'string') keys.push(s.value);
      else if (s.type === 'index') {
        const v = (s.value as { value?: unknown })?.value ?? s.value;
        if (typeof v === 'string' || typeof v === 'number') keys.push(v);
      }
    }
    if (keys.length === 0) continue;
    let node: unknown = out;
    for (const key of keys.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
    const last = keys[keys.length - 1]!;
    if (node && typeof node === 'object' && last in (node as object)) (node as Record<string | number, unknown>)[last] = SENSITIVE;
  }
  return out;
}
