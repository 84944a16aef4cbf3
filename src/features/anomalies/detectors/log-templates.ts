/**
 * New-message-template detection for logs. A message is reduced to its template by masking the variable parts
 * (numbers, hex, UUIDs, IPs, quoted strings, paths); a template never seen before from a source that has been
 * logging for a while is news, and the more so at error level.
 */
export interface TemplateState {
  /** Lines seen from the source. */
  n: number;
  /** 32-bit hashes of the known templates, bounded. */
  known: number[];
}

const MAX_TEMPLATES = 256;
/** A source must have logged this many lines before a new template counts as a surprise. */
export const TEMPLATE_WARMUP = 50;

export function templateOf(message: string): string {
  return message
    .slice(0, 500)
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>')
    .replace(/(\/[\w.-]+){2,}/g, '<path>')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/gi, '<hex>')
    .replace(/[-+]?\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** FNV-1a, enough to tell templates apart in a set of a few hundred. */
export function hashTemplate(template: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < template.length; i++) {
    hash ^= template.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export const newTemplateState = (): TemplateState => ({ n: 0, known: [] });

const LEVEL_SCORES: Record<string, number> = { fatal: 0.9, critical: 0.9, error: 0.8, err: 0.8, warn: 0.6, warning: 0.6 };

/** Scores a line (0 for a known template or while warming up), then learns its template. */
export function observeLogLine(state: TemplateState, message: string, level: string | null | undefined): { score: number; template: string; isNew: boolean } {
  const template = templateOf(message);
  const hash = hashTemplate(template);
  const isNew = !state.known.includes(hash);
  const warmedUp = state.n >= TEMPLATE_WARMUP;
  state.n += 1;
  if (isNew) {
    if (state.known.length >= MAX_TEMPLATES) state.known.shift();
    state.known.push(hash);
  }
  const score = isNew && warmedUp ? (LEVEL_SCORES[(level ?? '').toLowerCase()] ?? 0.4) : 0;
  return { score, template, isNew };
}

export const ERROR_LEVELS = new Set(['error', 'err', 'fatal', 'critical', 'crit', 'alert', 'emerg', 'emergency']);
export const isErrorLevel = (level: string | null | undefined) => ERROR_LEVELS.has((level ?? '').toLowerCase());
