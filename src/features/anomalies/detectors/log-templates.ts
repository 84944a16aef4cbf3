import { maskMessage } from './log-masks';

/**
 * Log message templates, mined the way the Drain parser does it (He et al., ICWS 2017), written for Vigil:
 * a message is masked (numbers, hex, paths, addresses, errno text), split into tokens, and matched against the
 * known templates of the same length and leading tokens; it joins the most similar one when at least half of
 * the template's fixed tokens agree, and the positions that differ become `<*>`.
 *
 * What is news for a source, and reported once:
 * - a severe line (error, fatal, …) whose template was never seen; fatal-class lines even during the warm-up (a
 *   first fatal message is news on the first day too), plain errors only after it;
 * - a severe template that comes back after a quiet spell, much longer than it usually goes between occurrences;
 * - the first such line opens a burst that lasts while the source's severe lines keep coming (a crash dump is one
 *   event, not thirty): news inside it is counted into the reported anomaly, not reported again.
 * New templates of other levels score below the anomaly threshold (kept in the score, never alerted).
 */
export interface TemplateCluster {
  /** The template text, tokens joined by single spaces. */
  t: string;
  /** Lines matched. */
  c: number;
  /** Time of the last line (epoch ms). */
  at: number;
  /** Mean of ln(seconds between consecutive lines), over the recent gaps; 0 until a second line. */
  lg: number;
}

export interface TemplateState {
  v?: 2;
  /** Lines seen from the source. */
  n: number;
  /** Known templates, least recently seen first. */
  clusters?: TemplateCluster[];
  /** Time of the reported line that opened the source's current burst; absent when none yet. */
  burstAt?: number;
  /** Time of the last severe line of that burst. */
  severeAt?: number;
  /** News lines folded into the open burst since it was reported. */
  folded?: number;
  /** Hashes of the version-1 detector; dropped when the state is upgraded. */
  known?: number[];
}

/** Templates kept per source (least recently seen dropped first); keeps a source's state under ~16 KB. */
export const MAX_TEMPLATES = 64;
const MAX_TEMPLATE_CHARS = 120;
/** A source must have logged this many lines before a new non-severe template scores at all. */
export const TEMPLATE_WARMUP = 50;
/** Fraction of a template's fixed tokens a line must share to join it (Drain's similarity threshold). */
const SIMILARITY = 0.5;
/** Severe lines less than this apart belong to the same burst… */
export const BURST_GAP_MS = 10 * 60_000;
/** …for at most this long after the burst was reported. */
export const BURST_MAX_MS = 2 * 60 * 60_000;
/** A severe template is news again only after at least this long without it… */
export const QUIET_MS = 60 * 60_000;
/**
 * …and only when that quiet spell is this many times its typical gap (geometric mean of its recent gaps). For
 * Poisson arrivals a gap of 3 mean gaps (≈ 5.3 geometric means) happens 5% of the time.
 */
export const RETURN_FACTOR = 5.3;
const GAP_MEMORY = 10;

export const templateOf = (message: string) => maskMessage(message);

/** FNV-1a, enough to tell templates apart in a set of a few hundred. */
export function hashTemplate(template: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < template.length; i++) {
    hash ^= template.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export const newTemplateState = (): TemplateState => ({ v: 2, n: 0, clusters: [] });

export const ERROR_LEVELS = new Set(['error', 'err', 'fatal', 'severe', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic']);
export const isErrorLevel = (level: string | null | undefined) => ERROR_LEVELS.has((level ?? '').toLowerCase());
const FATAL_CLASS = new Set(['fatal', 'severe', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic']);
const LEVEL_SCORES: Record<string, number> = { fatal: 0.9, critical: 0.9, crit: 0.9, emerg: 0.9, emergency: 0.9, panic: 0.9, alert: 0.9, severe: 0.85, error: 0.8, err: 0.8, warn: 0.6, warning: 0.6 };

export interface LineVerdict {
  score: number;
  template: string;
  /** `new`: never seen; `returned`: severe and back after a quiet spell; `known` otherwise. */
  kind: 'new' | 'returned' | 'known';
  isNew: boolean;
  /** The line is news but belongs to a burst already reported (how many were folded into it so far). */
  foldedInto?: number;
  /** For a return: how long the template was quiet and its typical gap (ms). */
  quietMs?: number;
  typicalGapMs?: number;
}

function tokensOf(template: string) {
  return template.split(' ');
}

/** Drain's similarity: share of the template's positions whose fixed token equals the line's. */
function similarity(template: string[], tokens: string[]): number {
  let same = 0;
  for (let i = 0; i < tokens.length; i++) if (template[i] === tokens[i]) same++;
  return same / tokens.length;
}

/** Same length and same first token (Drain's first tree levels), then the most similar above the threshold. */
function match(clusters: TemplateCluster[], tokens: string[]): { index: number; merged: string } | null {
  let best = -1;
  let bestSim = SIMILARITY - 1e-9;
  let bestTokens: string[] = [];
  const head = `${tokens[0]} `;
  for (let i = 0; i < clusters.length; i++) {
    const text = clusters[i]!.t;
    if (!text.startsWith(head) && !text.startsWith('<*> ') && text !== tokens[0]) continue;
    const candidate = tokensOf(text);
    if (candidate.length !== tokens.length || (candidate[0] !== tokens[0] && candidate[0] !== '<*>')) continue;
    const sim = similarity(candidate, tokens);
    if (sim > bestSim) {
      best = i;
      bestSim = sim;
      bestTokens = candidate;
    }
  }
  if (best < 0) return null;
  return { index: best, merged: bestTokens.map((t, i) => (t === tokens[i] ? t : '<*>')).join(' ') };
}

function upgrade(state: TemplateState): TemplateCluster[] {
  if (state.v !== 2) {
    delete state.known;
    state.v = 2;
  }
  return (state.clusters ??= []);
}

/** Scores a line from what the source logged before it (no look-ahead), then learns it. */
export function observeLogLine(state: TemplateState, message: string, level: string | null | undefined, timestamp = 0): LineVerdict {
  const clusters = upgrade(state);
  const levelName = (level ?? '').toLowerCase();
  const severe = isErrorLevel(levelName);
  const masked = templateOf(message).slice(0, MAX_TEMPLATE_CHARS);
  const tokens = tokensOf(masked);
  const found = match(clusters, tokens);
  const at = Number.isFinite(timestamp) ? timestamp : 0;
  const verdict: LineVerdict = { score: 0, template: masked, kind: 'new', isNew: !found };
  if (found) {
    const cluster = clusters.splice(found.index, 1)[0]!;
    const quietMs = Math.max(0, at - cluster.at);
    const typicalGapMs = cluster.c > 1 ? Math.exp(cluster.lg) * 1000 : 0;
    verdict.template = found.merged;
    verdict.kind = severe && quietMs >= QUIET_MS && quietMs >= RETURN_FACTOR * typicalGapMs ? 'returned' : 'known';
    if (verdict.kind === 'returned') Object.assign(verdict, { quietMs, typicalGapMs });
    cluster.lg += (Math.log(Math.max(1, quietMs / 1000)) - cluster.lg) / Math.min(cluster.c, GAP_MEMORY);
    cluster.t = found.merged;
    cluster.c += 1;
    cluster.at = Math.max(cluster.at, at);
    clusters.push(cluster);
  } else {
    if (clusters.length >= MAX_TEMPLATES) clusters.shift();
    clusters.push({ t: masked, c: 1, at, lg: 0 });
  }
  const warmedUp = state.n >= TEMPLATE_WARMUP;
  state.n += 1;
  if (!severe) {
    if (verdict.kind === 'new' && warmedUp) verdict.score = Math.min(0.6, LEVEL_SCORES[levelName] ?? 0.4);
    return verdict;
  }
  const inBurst = burstOpen(state, at);
  if (inBurst) state.severeAt = Math.max(state.severeAt ?? at, at);
  if (verdict.kind === 'known') return verdict;
  // Plain errors are common while a service starts; only the fatal class is news before the warm-up ends.
  if (!warmedUp && !FATAL_CLASS.has(levelName)) return verdict;
  if (inBurst) {
    state.folded = (state.folded ?? 0) + 1;
    verdict.foldedInto = state.folded;
    return verdict;
  }
  state.burstAt = at;
  state.severeAt = at;
  state.folded = 0;
  verdict.score = LEVEL_SCORES[levelName] ?? 0.8;
  return verdict;
}

/**
 * The source's reported burst is still open at `timestamp`: its severe lines kept coming less than
 * `BURST_GAP_MS` apart since the report, for at most `BURST_MAX_MS` (so a source that never stops erroring
 * still gets its new patterns reported, once per `BURST_MAX_MS`).
 */
export function burstOpen(state: TemplateState | undefined, timestamp: number): boolean {
  if (state?.burstAt === undefined || state.severeAt === undefined) return false;
  return timestamp >= state.burstAt && timestamp - state.severeAt < BURST_GAP_MS && timestamp - state.burstAt < BURST_MAX_MS;
}
