/**
 * Sigma correlation rules (Sigma Correlation Rules Specification v2): meta-rules over base rules, loaded from
 * their own YAML document, usually in a rule collection (multi-document YAML, `---`) beside their base rules.
 *
 *   correlation:
 *     type: event_count | value_count | temporal | temporal_ordered
 *     rules: [base rule names or ids]
 *     group-by: [fields]            (optional: without it all matching events of an organization form one group)
 *     timespan: 5m                  (s, m, h, d, w; at most 30 days)
 *     condition: {gte: 5}           (gt, gte, lt, lte, eq; value_count also `field`; temporal defaults to all rules)
 *     generate: false               (whether the base rules keep producing their own detections)
 *
 * Compiling is two steps: `compileSigmaCollection` parses a YAML text into base rules and correlation drafts
 * (references unresolved), `resolveCorrelations` binds each draft's references to base rules by id or `name`.
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import type { CompiledCorrelation, CompiledRule, CorrelationType } from '../types';
import { compileRuleObject } from './compile';
import { SigmaRuleError } from './errors';
import { fieldCandidates, mitreFromTags, severityFromLevel, threatTypeFromTags } from './logsource';

/** A window keeps at most this many events, so a count condition can never ask for more. */
export const MAX_CORRELATION_COUNT = 1000;
export const MAX_TIMESPAN_MS = 30 * 86_400_000;

const TYPES = new Set<CorrelationType>(['event_count', 'value_count', 'temporal', 'temporal_ordered']);
const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
type Operator = (typeof OPERATORS)[number];
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const THREAT_TYPE = /^[a-z][a-z0-9_]{1,63}$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

type Json = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A correlation rule whose `rules` are still names or ids as written. */
export interface CorrelationDraft extends Omit<CompiledCorrelation, 'ruleIds' | 'ruleTitles'> {
  references: string[];
}

export interface SigmaCollection {
  rules: CompiledRule[];
  correlations: CorrelationDraft[];
}

export function parseTimespan(value: unknown, where: string): { ms: number; text: string } {
  const text = typeof value === 'number' ? `${value}s` : String(value ?? '').trim();
  const m = /^(\d{1,9})\s*([smhdw])$/.exec(text);
  if (!m) throw new SigmaRuleError(`${where}: timespan '${String(value)}' is not valid; write a number and a unit s, m, h, d or w (e.g. 5m, 1h, 2d)`);
  const ms = Number(m[1]) * UNIT_MS[m[2]];
  if (ms <= 0) throw new SigmaRuleError(`${where}: timespan '${text}' must be longer than zero`);
  if (ms > MAX_TIMESPAN_MS) throw new SigmaRuleError(`${where}: timespan '${text}' is longer than the 30 days supported`);
  return { ms, text };
}

function compileCondition(type: CorrelationType, raw: unknown, ruleCount: number, where: string): { text: string; test: (n: number) => boolean; field: string | null } {
  if (raw === undefined || raw === null) {
    if (type === 'temporal' || type === 'temporal_ordered') return { text: `all ${ruleCount} rules`, test: (n) => n >= ruleCount, field: null };
    throw new SigmaRuleError(`${where}: 'condition' is missing (e.g. condition: {gte: 5})`);
  }
  if (!isPlainObject(raw)) throw new SigmaRuleError(`${where}: 'condition' must be a map such as {gte: 5}`);
  let field: string | null = null;
  const parts: [Operator, number][] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'field') {
      if (typeof value !== 'string' || value.trim() === '') throw new SigmaRuleError(`${where}: 'condition.field' must be a field name`);
      field = value.trim();
      continue;
    }
    if (!(OPERATORS as readonly string[]).includes(key)) {
      throw new SigmaRuleError(`${where}: unknown condition operator '${key}' (use ${OPERATORS.join(', ')})`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new SigmaRuleError(`${where}: condition '${key}' needs a non-negative integer, got '${String(value)}'`);
    }
    const needs = key === 'gt' ? value + 1 : key === 'gte' || key === 'eq' ? value : 0;
    if (needs > MAX_CORRELATION_COUNT) {
      throw new SigmaRuleError(`${where}: condition '${key}: ${value}' asks for more than the ${MAX_CORRELATION_COUNT} events a correlation window keeps`);
    }
    parts.push([key as Operator, value]);
  }
  if (parts.length === 0) throw new SigmaRuleError(`${where}: 'condition' needs an operator (${OPERATORS.join(', ')}) with a number`);
  if (type === 'value_count' && field === null) throw new SigmaRuleError(`${where}: value_count needs 'condition.field' (the field whose distinct values are counted)`);
  if (type !== 'value_count' && field !== null) throw new SigmaRuleError(`${where}: 'condition.field' only applies to value_count`);
  const tests = parts.map(([op, v]): ((n: number) => boolean) => {
    switch (op) {
      case 'gt': return (n) => n > v;
      case 'gte': return (n) => n >= v;
      case 'lt': return (n) => n < v;
      case 'lte': return (n) => n <= v;
      default: return (n) => n === v;
    }
  });
  const test = tests.length === 1 ? tests[0] : (n: number) => tests.every((t) => t(n));
  return { text: parts.map(([op, v]) => `${op} ${v}`).join(' and '), test, field };
}

/** Validates one correlation document (a parsed YAML map with a `correlation` key). */
export function compileCorrelationObject(doc: Json): CorrelationDraft {
  if (typeof doc.title !== 'string' || doc.title.trim() === '') throw new SigmaRuleError("correlation rule: 'title' is missing or not a string");
  const title = doc.title.trim();
  const where = `correlation '${title}'`;
  const corr = doc.correlation;
  if (!isPlainObject(corr)) throw new SigmaRuleError(`${where}: 'correlation' must be a map with type, rules, timespan and condition`);
  if (doc.detection !== undefined) throw new SigmaRuleError(`${where}: a correlation rule has no 'detection'; put base rules in their own documents`);
  if (doc.id !== undefined && typeof doc.id !== 'string') throw new SigmaRuleError(`${where}: 'id' must be a string`);
  if (doc.name !== undefined && typeof doc.name !== 'string') throw new SigmaRuleError(`${where}: 'name' must be a string`);
  const type = String(corr.type ?? '') as CorrelationType;
  if (!TYPES.has(type)) {
    throw new SigmaRuleError(`${where}: correlation type '${String(corr.type ?? '')}' is not supported (supported: ${[...TYPES].join(', ')})`);
  }
  const rulesRaw = typeof corr.rules === 'string' ? [corr.rules] : corr.rules;
  if (!Array.isArray(rulesRaw) || rulesRaw.length === 0 || rulesRaw.some((r) => typeof r !== 'string' || r.trim() === '')) {
    throw new SigmaRuleError(`${where}: 'rules' must list the names or ids of the base rules`);
  }
  const references = (rulesRaw as string[]).map((r) => r.trim());
  if ((type === 'temporal' || type === 'temporal_ordered') && references.length < 2) {
    throw new SigmaRuleError(`${where}: ${type} needs at least two rules`);
  }
  if (corr.aliases !== undefined) throw new SigmaRuleError(`${where}: field 'aliases' is not supported; base rules must share the group-by field names`);
  const groupRaw = corr['group-by'] ?? [];
  const groupList = typeof groupRaw === 'string' ? [groupRaw] : groupRaw;
  if (!Array.isArray(groupList) || groupList.some((g) => typeof g !== 'string' || g.trim() === '')) {
    throw new SigmaRuleError(`${where}: 'group-by' must be a list of field names`);
  }
  const groupBy = (groupList as string[]).map((g) => g.trim());
  const timespan = parseTimespan(corr.timespan ?? corr.timeframe, where);
  const condition = compileCondition(type, corr.condition, references.length, where);
  const generateRaw = corr.generate ?? doc.generate ?? false;
  if (typeof generateRaw !== 'boolean') throw new SigmaRuleError(`${where}: 'generate' must be true or false`);
  const level = doc.level === undefined ? 'medium' : String(doc.level).toLowerCase();
  if (!LEVELS.has(level)) throw new SigmaRuleError(`${where}: 'level' must be one of ${[...LEVELS].join(', ')}, got '${String(doc.level)}'`);
  const tagsRaw = doc.tags ?? [];
  if (!Array.isArray(tagsRaw) || tagsRaw.some((t) => typeof t !== 'string')) throw new SigmaRuleError(`${where}: 'tags' must be a list of strings`);
  const tags = tagsRaw as string[];
  const mitreAttack = mitreFromTags(tags);
  let threatType = threatTypeFromTags(mitreAttack);
  if (doc.threat_type !== undefined) {
    if (typeof doc.threat_type !== 'string' || !THREAT_TYPE.test(doc.threat_type)) throw new SigmaRuleError(`${where}: 'threat_type' must be snake_case (e.g. brute_force_attack)`);
    threatType = doc.threat_type;
  }
  return {
    id: typeof doc.id === 'string' ? doc.id : `title-${createHash('sha1').update(title).digest('hex').slice(0, 16)}`,
    name: typeof doc.name === 'string' ? doc.name : null,
    title,
    level,
    tags,
    description: typeof doc.description === 'string' ? doc.description : null,
    type,
    references,
    groupBy,
    groupByCandidates: groupBy.map((g) => fieldCandidates(g)),
    timespanMs: timespan.ms,
    timespanText: timespan.text,
    conditionText: condition.text,
    condition: condition.test,
    field: condition.field,
    fieldCandidates: condition.field ? fieldCandidates(condition.field) : [],
    generate: generateRaw,
    mitreAttack,
    severity: severityFromLevel(level),
    threatType,
  };
}

/** Parses a YAML text holding one rule, one correlation rule or a collection (`---`) of both. */
export function compileSigmaCollection(yamlText: string): SigmaCollection {
  if (typeof yamlText !== 'string' || yamlText.trim() === '') throw new SigmaRuleError('the rule is empty');
  const docs = parseAllDocuments(yamlText);
  if (!Array.isArray(docs)) throw new SigmaRuleError('the rule is empty');
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) throw new SigmaRuleError('the rule is empty');
  const rules: CompiledRule[] = [];
  const correlations: CorrelationDraft[] = [];
  nonEmpty.forEach((doc, i) => {
    const prefix = nonEmpty.length > 1 ? `document ${i + 1}: ` : '';
    try {
      if (doc.errors.length > 0) throw new SigmaRuleError(`invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      const value: unknown = doc.toJS({ maxAliasCount: 50 });
      if (isPlainObject(value) && value.correlation !== undefined) correlations.push(compileCorrelationObject(value));
      else rules.push(compileRuleObject(value));
    } catch (error) {
      if (error instanceof SigmaRuleError) throw new SigmaRuleError(`${prefix}${error.message}`);
      throw error;
    }
  });
  const ids = new Set<string>();
  for (const item of [...rules, ...correlations]) {
    if (ids.has(item.id)) throw new SigmaRuleError(`rule id ${item.id} occurs twice in the collection`);
    ids.add(item.id);
  }
  return { rules, correlations };
}

/**
 * Binds each draft's references to base rules: first the rules of its own collection (`local`), then `others`
 * (an organization's rules, then the shipped rules), by id, else by `name`. Referencing a correlation rule
 * (chaining) is not supported.
 */
export function resolveCorrelations(drafts: CorrelationDraft[], local: readonly CompiledRule[], others: readonly CompiledRule[], otherCorrelations: readonly { id: string; name: string | null }[] = []): CompiledCorrelation[] {
  const find = (ref: string): CompiledRule | undefined => {
    for (const pool of [local, others]) {
      const hit = pool.find((r) => r.id === ref) ?? pool.find((r) => r.name === ref);
      if (hit) return hit;
    }
    return undefined;
  };
  return drafts.map((draft) => {
    const rules = draft.references.map((ref) => {
      const rule = find(ref);
      if (rule) return rule;
      if ([...drafts, ...otherCorrelations].some((c) => c.id === ref || c.name === ref)) {
        throw new SigmaRuleError(`correlation '${draft.title}': rule '${ref}' is a correlation rule; chaining correlations is not supported`);
      }
      throw new SigmaRuleError(`correlation '${draft.title}': unknown rule '${ref}' in 'rules' (no base rule in the same YAML, the organization's rules or the shipped rules has that name or id)`);
    });
    const ids = rules.map((r) => r.id);
    if (new Set(ids).size !== ids.length) throw new SigmaRuleError(`correlation '${draft.title}': 'rules' names the same rule twice`);
    const { references: _references, ...rest } = draft;
    return { ...rest, ruleIds: ids, ruleTitles: rules.map((r) => r.title) };
  });
}
