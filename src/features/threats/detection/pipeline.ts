/**
 * The threat pipeline: parse -> Sigma rules for the line's log source -> web-attack grammar on request parts ->
 * correlation windows -> merged, ranked detections. Synchronous and allocation-light: rules are compiled once
 * at creation and bucketed by parser format, so a line only meets the rules that can apply to it.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BurstCounter, type BurstEntry } from './correlation/burst';
import { CorrelationEngine, DEFAULT_SETTINGS, type CorrelationSettings } from './correlation/engine';
import { LEVEL_CONFIDENCE, SigmaCorrelationEngine, type GroupWindow } from './correlation/sigma-correlation';
import { WindowStore, type WindowEvent } from './correlation/windows';
import { compileSigmaCollection, resolveCorrelations, type CorrelationDraft, type SigmaCollection } from './sigma/correlation-rules';
import { parseLogLine } from './parsers';
import { loadRules } from './sigma/loader';
import { recordView } from './sigma/event-view';
import { LiteralMatcher } from './sigma/literals';
import type { CompiledCorrelation, CompiledRule, Detection, EventView, ExtraRules, LogContext, LogFormat, ParsedLog, Severity, Thresholds } from './types';
import { decodeValue } from './webattack/decode';
import { analyzeRequest, analyzeValue, WEB_ATTACK_MITRE, type WebAttackFinding } from './webattack';

/** The correlation state one analysis reads and writes, when it is not the pipeline's own (in-process) state. */
export interface CorrelationMaps {
  windows: Map<string, WindowEvent[]>;
  bursts: Map<string, BurstEntry>;
  sigma: Map<string, GroupWindow>;
}

export interface ThreatPipeline {
  /** `belowConfidence`: what matched but is too weak to report on its own (kept as evidence for correlation). */
  /** `windows`: correlation state for this call only (cluster mode: loaded from Redis, written back by the caller). */
  analyze(line: string, ctx: LogContext, extraRules?: ExtraRules, windows?: CorrelationMaps): { parsed: ParsedLog; detections: Detection[]; belowConfidence: Detection[] };
  rules(): CompiledRule[];
  /** Sigma correlation rules shipped in the rules folder. */
  correlations(): CompiledCorrelation[];
  /** Parses a rule, a correlation rule or a rule collection (multi-document YAML); throws SigmaRuleError. */
  compileCollection(yaml: string): SigmaCollection;
  /**
   * Binds correlation drafts to base rules: those of their own collection (`local`), then `context` (e.g. an
   * organization's rules), then the shipped rules. Throws SigmaRuleError naming an unknown rule.
   */
  bindCorrelations(drafts: CorrelationDraft[], local: readonly CompiledRule[], context?: readonly CompiledRule[], contextCorrelations?: readonly { id: string; name: string | null }[]): CompiledCorrelation[];
  exportState(): unknown;
  importState(state: unknown): void;
  setThresholds(t: Partial<Thresholds>): void;
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RULES_DIR = resolve(here, '../../../../rules/sigma');

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const WEB_SEVERITY: Record<string, Severity> = { sql_injection: 'high', command_injection: 'critical', xss: 'medium', path_traversal: 'high' };
const WEB_FORMATS = new Set<LogFormat>(['nginx_access', 'apache_access', 'nginx_error', 'apache_error', 'json', 'text']);
const AUTH_PATH = /(?:^|\/)(?:login|signin|sign-in|logon|auth|session|wp-login\.php|xmlrpc\.php|token|user\/login|admin)(?:[/?.]|$)/i;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
/** Independent pieces of evidence combine like a noisy-OR: 1 - prod(1 - c). */
const combine = (a: number, b: number): number => Math.min(0.99, Math.round((1 - (1 - a) * (1 - b)) * 100) / 100);

/**
 * The rules of one parser format, with one Aho-Corasick pass over the line deciding which rules can match:
 * rules whose required literals are all absent are skipped without evaluating their closures.
 */
interface RuleBucket { always: CompiledRule[]; prefiltered: CompiledRule[]; matcher: LiteralMatcher; literalOwner: number[][] }

/**
 * Which correlations each base rule feeds, and which base rules stop producing their own detections: Sigma's
 * `generate: false` (the default) silences a referenced rule unless another correlation over it says `true`.
 */
interface CorrelationIndex { byRule: Map<string, { corr: CompiledCorrelation; index: number }[]>; silenced: Set<string>; generating: Set<string> }

function indexCorrelations(correlations: readonly CompiledCorrelation[]): CorrelationIndex | null {
  if (correlations.length === 0) return null;
  const byRule = new Map<string, { corr: CompiledCorrelation; index: number }[]>();
  const silenced = new Set<string>();
  const generating = new Set<string>();
  for (const corr of correlations) {
    corr.ruleIds.forEach((id, index) => {
      const list = byRule.get(id);
      if (list) list.push({ corr, index });
      else byRule.set(id, [{ corr, index }]);
      (corr.generate ? generating : silenced).add(id);
    });
  }
  for (const id of generating) silenced.delete(id);
  return { byRule, silenced, generating };
}

/** Records a matched rule's correlations in `hits`; returns whether the rule's own detection is silenced. */
function feedCorrelations(index: CorrelationIndex | null, other: CorrelationIndex | null, ruleId: string, hits: Map<CompiledCorrelation, number[]>): boolean {
  const refs = index?.byRule.get(ruleId);
  if (refs) {
    for (const { corr, index: i } of refs) {
      const list = hits.get(corr);
      if (list) list.push(i);
      else hits.set(corr, [i]);
    }
  }
  return refs !== undefined && index!.silenced.has(ruleId) && !(other?.generating.has(ruleId) ?? false);
}

function mergeDetection(merged: Map<string, Detection>, d: Detection): void {
  const current = merged.get(d.threatType);
  if (!current) {
    merged.set(d.threatType, d);
    return;
  }
  current.confidence = combine(current.confidence, d.confidence);
  if (SEVERITY_RANK[d.severity] > SEVERITY_RANK[current.severity]) current.severity = d.severity;
  for (const id of d.mitreAttack) if (!current.mitreAttack.includes(id)) current.mitreAttack.push(id);
  current.rules.push(...d.rules);
  current.evidence.push(...d.evidence.filter((e) => !current.evidence.includes(e)));
  current.explanation = `${current.explanation} ${d.explanation}`;
}

function bucketRules(rules: CompiledRule[]): Map<LogFormat, RuleBucket> {
  const byFormat = new Map<LogFormat, CompiledRule[]>();
  for (const rule of rules) for (const format of rule.formats) {
    const list = byFormat.get(format);
    if (list) list.push(rule);
    else byFormat.set(format, [rule]);
  }
  const buckets = new Map<LogFormat, RuleBucket>();
  for (const [format, list] of byFormat) {
    // JSON values are escaped in the raw line, so literals are not verbatim there: evaluate every rule.
    const usable = format === 'json' ? [] : list.filter((r) => r.literals !== null && r.literals.length > 0);
    const literalIndex = new Map<string, number>();
    const literalOwner: number[][] = [];
    usable.forEach((rule, ruleIndex) => {
      for (const literal of rule.literals!) {
        let id = literalIndex.get(literal);
        if (id === undefined) {
          id = literalIndex.size;
          literalIndex.set(literal, id);
          literalOwner.push([]);
        }
        literalOwner[id].push(ruleIndex);
      }
    });
    buckets.set(format, { always: list.filter((r) => !usable.includes(r)), prefiltered: usable, matcher: new LiteralMatcher([...literalIndex.keys()]), literalOwner });
  }
  return buckets;
}

function candidateRules(bucket: RuleBucket | undefined, view: EventView): CompiledRule[] {
  if (!bucket) return [];
  if (bucket.prefiltered.length === 0) return bucket.always;
  const hit = new Uint8Array(bucket.prefiltered.length);
  let any = false;
  bucket.matcher.scan(view.keywordText(), (id) => {
    for (const ruleIndex of bucket.literalOwner[id]) hit[ruleIndex] = 1;
    any = true;
  });
  if (!any) return bucket.always;
  const rules = [...bucket.always];
  for (let i = 0; i < hit.length; i++) if (hit[i]) rules.push(bucket.prefiltered[i]);
  return rules;
}

/** Access logs: a denied POST to a login endpoint is a failed login; free-text guesses about the URL are not. */
function refineWebAuth(parsed: ParsedLog): void {
  const f = parsed.fields;
  if (parsed.format !== 'nginx_access' && parsed.format !== 'apache_access') return;
  delete f.auth_result;
  const status = Number(f.status);
  if (typeof f.path === 'string' && AUTH_PATH.test(f.path) && f.method === 'POST') {
    if (status === 401 || status === 403) f.auth_result = 'failure';
  }
}

function webFindings(parsed: ParsedLog, ctx: LogContext): WebAttackFinding[] {
  const f = parsed.fields;
  const body = str(ctx.metadata?.body) ?? str(f.body) ?? undefined;
  const findings = typeof f.path === 'string' || typeof f.uri === 'string'
    ? analyzeRequest({ path: str(f.path) ?? undefined, query: str(f.query) ?? undefined, body, userAgent: str(f.user_agent) ?? undefined })
    : [];
  if (parsed.format !== 'text' && parsed.format !== 'json') return findings;
  // Unstructured text (or a JSON message) may carry a raw payload with spaces: judge the text itself, decoded.
  const text = parsed.format === 'json' ? str(f.message) : parsed.message;
  const whole = text ? analyzeValue(decodeValue(text, false), 'message') : [];
  if (body && !findings.length) whole.push(...analyzeValue(decodeValue(body), 'body'));
  return [...findings, ...whole.filter((x) => x.confidence >= 0.7 && !findings.some((y) => y.threatType === x.threatType))];
}

export function createThreatPipeline(options: { rulesDir?: string; clock?: { now(): number } } = {}): ThreatPipeline {
  const rulesDir = options.rulesDir ?? DEFAULT_RULES_DIR;
  const loaded = existsSync(rulesDir) ? loadRules([rulesDir]) : { rules: [], correlations: [], failures: [] };
  if (loaded.failures.length > 0) {
    throw new Error(`threat rules in ${rulesDir} failed to load: ${loaded.failures.map((x) => `${x.file}: ${x.reason}`).join('; ')}`);
  }
  const shipped = loaded.rules;
  const shippedCorrelations = loaded.correlations;
  const shippedIndex = indexCorrelations(shippedCorrelations);
  const ownSigmaCorrelation = new SigmaCorrelationEngine();
  const byFormat = bucketRules(shipped);
  let settings: CorrelationSettings = { ...DEFAULT_SETTINGS };
  const ownCorrelation = new CorrelationEngine(() => settings);
  const clock = options.clock ?? { now: () => Date.now() };
  // Callers pass the same array of admin rules until it changes: bucket it once per array.
  const extraBucketCache = new WeakMap<CompiledRule[], Map<LogFormat, RuleBucket>>();
  const extraBuckets = (rules: CompiledRule[]): Map<LogFormat, RuleBucket> => {
    let buckets = extraBucketCache.get(rules);
    if (!buckets) {
      buckets = bucketRules(rules);
      extraBucketCache.set(rules, buckets);
    }
    return buckets;
  };
  const extraIndexCache = new WeakMap<CompiledCorrelation[], CorrelationIndex | null>();
  const extraIndex = (correlations: CompiledCorrelation[]): CorrelationIndex | null => {
    let index = extraIndexCache.get(correlations);
    if (index === undefined) {
      index = indexCorrelations(correlations);
      extraIndexCache.set(correlations, index);
    }
    return index;
  };

  function analyze(line: string, ctx: LogContext, extraRules?: ExtraRules, windows?: CorrelationMaps): { parsed: ParsedLog; detections: Detection[]; belowConfidence: Detection[] } {
    const correlation = windows ? new CorrelationEngine(() => settings, new WindowStore(undefined, undefined, undefined, windows.windows), new BurstCounter(undefined, windows.bursts)) : ownCorrelation;
    const sigmaCorrelation = windows ? new SigmaCorrelationEngine(windows.sigma) : ownSigmaCorrelation;
    const context: LogContext = Number.isFinite(ctx.timestamp) ? ctx : { ...ctx, timestamp: clock.now() };
    const parsed = parseLogLine(line, context);
    refineWebAuth(parsed);
    const f = parsed.fields;
    const sourceIp = str(f.src_ip);
    const user = str(f.user);
    const target = str(f.path) ?? str(f.host) ?? str(context.source) ?? str(f.program);
    const merged = new Map<string, Detection>();
    const add = (d: Detection): void => mergeDetection(merged, d);

    const view = recordView(f, parsed.message);
    const candidates = candidateRules(byFormat.get(parsed.format), view);
    const extra = extraRules?.length ? candidateRules(extraBuckets(extraRules).get(parsed.format), view) : [];
    const extraCorrelations = extraRules?.correlations?.length ? extraIndex(extraRules.correlations) : null;
    const correlating = shippedIndex !== null || extraCorrelations !== null;
    let hits: Map<CompiledCorrelation, number[]> | null = null;
    for (const rule of extra.length ? [...candidates, ...extra] : candidates) {
      if (!rule.matches(view)) continue;
      if (correlating && (shippedIndex?.byRule.has(rule.id) || extraCorrelations?.byRule.has(rule.id))) {
        hits ??= new Map();
        const silencedShipped = feedCorrelations(shippedIndex, extraCorrelations, rule.id, hits);
        const silencedExtra = feedCorrelations(extraCorrelations, shippedIndex, rule.id, hits);
        if (silencedShipped || silencedExtra) continue;
      }
      add({
        threatType: rule.threatType, severity: rule.severity, confidence: LEVEL_CONFIDENCE[rule.level] ?? 0.5,
        mitreAttack: [...rule.mitreAttack], rules: [{ id: rule.id, title: rule.title, kind: 'sigma' }],
        explanation: `Sigma rule "${rule.title}" (level ${rule.level}) matched.`, sourceIp, user, target, evidence: [parsed.message.slice(0, 300)],
      });
    }
    for (const finding of webFindings(parsed, context)) {
      add({
        threatType: finding.threatType, severity: WEB_SEVERITY[finding.threatType], confidence: finding.confidence,
        mitreAttack: [...WEB_ATTACK_MITRE[finding.threatType]],
        rules: [{ id: `vigil-webattack-${finding.rule}`, title: `${finding.threatType.replace(/_/g, ' ')} grammar: ${finding.rule}`, kind: 'webattack' }],
        explanation: `The ${finding.location} parses as ${finding.threatType.replace(/_/g, ' ')} (${finding.rule}).`,
        sourceIp, user, target, evidence: [finding.fragment.slice(0, 200)],
      });
    }
    for (const d of correlation.observe(parsed, context)) add(d);
    if (hits !== null && hits.size > 0) {
      for (const d of sigmaCorrelation.observe(hits, view, parsed.message, context.timestamp, context.organizationId, { sourceIp, user, target })) add(d);
    }
    // A single failed login is only evidence; once correlated it belongs to the attack it is part of.
    const failed = merged.get('failed_login');
    const attack = merged.get('brute_force_attack') ?? merged.get('password_spraying');
    if (failed && attack) {
      attack.rules.push(...failed.rules);
      attack.mitreAttack.push(...failed.mitreAttack.filter((id) => !attack.mitreAttack.includes(id)));
      merged.delete('failed_login');
    }
    const all = [...merged.values()];
    const detections = all
      .filter((d) => d.confidence >= settings.minConfidence)
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.confidence - a.confidence);
    return { parsed, detections, belowConfidence: all.filter((d) => d.confidence < settings.minConfidence) };
  }

  return {
    analyze,
    rules: () => [...shipped],
    correlations: () => [...shippedCorrelations],
    compileCollection: (yaml) => compileSigmaCollection(yaml),
    bindCorrelations: (drafts, local, context = [], contextCorrelations = []) =>
      resolveCorrelations(drafts, local, context.length ? [...context, ...shipped] : shipped, [...contextCorrelations, ...shippedCorrelations]),
    // Version 2 adds the Sigma correlation windows; version 1 (built-in windows only) still loads.
    exportState: () => ({ version: 2, correlation: ownCorrelation.exportState(), sigmaCorrelation: ownSigmaCorrelation.exportState() }),
    importState(state) {
      const version = typeof state === 'object' && state !== null ? (state as { version?: unknown }).version : undefined;
      if (version !== 1 && version !== 2) return;
      ownCorrelation.importState((state as { correlation?: unknown }).correlation);
      if (version === 2) ownSigmaCorrelation.importState((state as { sigmaCorrelation?: unknown }).sigmaCorrelation);
    },
    setThresholds(t) {
      const next = { ...settings };
      for (const [key, value] of Object.entries(t) as [keyof Thresholds, number | undefined][]) {
        if (value === undefined) continue;
        if (!Number.isFinite(value) || value < 0) throw new RangeError(`threshold ${key} must be a non-negative number`);
        next[key] = value;
      }
      settings = next;
    },
  };
}
