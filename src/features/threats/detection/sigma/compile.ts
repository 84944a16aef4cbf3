/**
 * Compiles a Sigma rule (YAML text, unchanged SigmaHQ format) into a CompiledRule whose `matches` is a tree of
 * closures built once: no YAML, regex or wildcard work happens per event.
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import type { CompiledRule } from '../types';
import { buildCondition, compileCondition, type ConditionAlgebra } from './condition';
import { andLiterals, fieldLiterals, orLiterals, type Literals } from './literals';
import { SigmaRuleError } from './errors';
import { compileFieldTest, type EventTest } from './field-test';
import { fieldCandidates, formatsForLogsource, mitreFromTags, severityFromLevel, threatTypeFromTags } from './logsource';

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const THREAT_TYPE = /^[a-z][a-z0-9_]{1,63}$/;

type Json = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function compileMap(map: Json, where: string, usedFields: Set<string>): EventTest {
  const tests: EventTest[] = [];
  for (const [key, value] of Object.entries(map)) {
    const [field, ...modifiers] = key.split('|');
    if (field) for (const name of fieldCandidates(field)) usedFields.add(name);
    if (isPlainObject(value)) throw new SigmaRuleError(`${where}: field '${key}' has a nested map; values must be scalars or lists`);
    const mods = modifiers.map((m) => m.toLowerCase());
    // A bare-modifier key ('|all') is a keyword search: keywords always match as substrings.
    if (!field && !mods.some((m) => ['contains', 'startswith', 'endswith', 're'].includes(m))) mods.push('contains');
    tests.push(compileFieldTest(field, mods, value, fieldCandidates));
  }
  if (tests.length === 0) throw new SigmaRuleError(`${where}: empty map`);
  return tests.length === 1 ? tests[0] : (e) => tests.every((t) => t(e));
}

function compileSearch(name: string, body: unknown, usedFields: Set<string>): EventTest {
  const where = `search '${name}'`;
  if (isPlainObject(body)) return compileMap(body, where, usedFields);
  if (Array.isArray(body)) {
    if (body.length === 0) throw new SigmaRuleError(`${where}: empty list`);
    if (body.every((item) => !isPlainObject(item) && !Array.isArray(item))) {
      return compileFieldTest('', ['contains'], body.map((v) => (v === null ? null : String(v))), fieldCandidates);
    }
    const tests = body.map((item, i) => {
      if (isPlainObject(item)) return compileMap(item, `${where}[${i}]`, usedFields);
      if (Array.isArray(item)) throw new SigmaRuleError(`${where}[${i}]: nested lists are not valid Sigma`);
      return compileFieldTest('', ['contains'], String(item), fieldCandidates);
    });
    return (e) => tests.some((t) => t(e));
  }
  if (typeof body === 'string' || typeof body === 'number') return compileFieldTest('', ['contains'], String(body), fieldCandidates);
  throw new SigmaRuleError(`${where}: must be a map, a list of maps or a list of keywords`);
}

const LITERAL_ALGEBRA: ConditionAlgebra<Literals> = {
  and: andLiterals,
  or: orLiterals,
  not: () => null,
  atLeast: (_n, parts) => orLiterals(parts),
};

function mapLiterals(map: Json): Literals {
  return andLiterals(Object.entries(map).map(([key, value]) => {
    const [field, ...modifiers] = key.split('|');
    const mods = modifiers.map((m) => m.toLowerCase());
    if (!field && !mods.some((m) => ['contains', 'startswith', 'endswith', 're'].includes(m))) mods.push('contains');
    const names = field ? fieldCandidates(field).map((n) => n.toLowerCase()) : null;
    return fieldLiterals(names, mods, Array.isArray(value) ? value : [value]);
  }));
}

function searchLiterals(body: unknown): Literals {
  if (isPlainObject(body)) return mapLiterals(body);
  if (Array.isArray(body)) {
    return orLiterals(body.map((item) => (isPlainObject(item) ? mapLiterals(item) : fieldLiterals(null, ['contains'], [item]))));
  }
  return fieldLiterals(null, ['contains'], [body]);
}

/** The prefilter literals of a whole detection (see literals.ts); computed from the already validated block. */
function detectionLiterals(detection: Json): Literals {
  const { condition, ...named } = detection;
  const searches = new Map<string, Literals>();
  for (const [name, body] of Object.entries(named)) searches.set(name, searchLiterals(body));
  const conditions = (Array.isArray(condition) ? condition : [condition]) as string[];
  return orLiterals(conditions.map((c) => buildCondition(c, searches, LITERAL_ALGEBRA)));
}

/** Keyword maps use a bare modifier key (`'|all': [...]`): the field part is empty, which means keywords. */
function compileDetection(detection: unknown, usedFields: Set<string>): EventTest {
  if (!isPlainObject(detection)) throw new SigmaRuleError("'detection' must be a map of search identifiers and a condition");
  const { condition, timeframe, ...named } = detection;
  if (condition === undefined) throw new SigmaRuleError("'detection.condition' is missing");
  if (timeframe !== undefined) {
    throw new SigmaRuleError("'detection.timeframe' with aggregations is not supported; use Vigil's correlation (see docs/threat-rules.md)");
  }
  const searches = new Map<string, EventTest>();
  for (const [name, body] of Object.entries(named)) searches.set(name, compileSearch(name, body, usedFields));
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== 'string')) {
    throw new SigmaRuleError("'detection.condition' must be a string or a list of strings");
  }
  const compiled = conditions.map((c) => compileCondition(c as string, searches));
  return compiled.length === 1 ? compiled[0] : (e) => compiled.some((c) => c(e));
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new SigmaRuleError(`'${what}' must be a list of strings`);
  return value as string[];
}

export function compileRuleObject(doc: unknown): CompiledRule {
  if (!isPlainObject(doc)) throw new SigmaRuleError('a Sigma rule must be a YAML map');
  if (doc.correlation !== undefined) {
    throw new SigmaRuleError('a correlation rule is not a single detection rule; load it as a rule collection (compileSigmaCollection, POST /api/v1/rules)');
  }
  if (doc.action !== undefined) throw new SigmaRuleError(`rule collections (action: ${String(doc.action)}) are not supported`);
  if (typeof doc.title !== 'string' || doc.title.trim() === '') throw new SigmaRuleError("'title' is missing or not a string");
  if (doc.detection === undefined) throw new SigmaRuleError("'detection' is missing");
  if (doc.id !== undefined && typeof doc.id !== 'string') throw new SigmaRuleError("'id' must be a string");
  if (doc.name !== undefined && typeof doc.name !== 'string') throw new SigmaRuleError("'name' must be a string");
  const level = doc.level === undefined ? 'medium' : String(doc.level).toLowerCase();
  if (!LEVELS.has(level)) throw new SigmaRuleError(`'level' must be one of ${[...LEVELS].join(', ')}, got '${String(doc.level)}'`);
  const logsource = doc.logsource ?? {};
  if (!isPlainObject(logsource)) throw new SigmaRuleError("'logsource' must be a map");
  const logsourceText: Record<string, string> = {};
  for (const [k, v] of Object.entries(logsource)) if (typeof v === 'string') logsourceText[k] = v;
  const tags = stringList(doc.tags, 'tags');
  const relatedRaw = doc.related ?? [];
  if (!Array.isArray(relatedRaw)) throw new SigmaRuleError("'related' must be a list of {id, type}");
  const related = relatedRaw.filter(isPlainObject).map((r) => ({ id: String(r.id), type: String(r.type ?? 'similar') }));
  const usedFields = new Set<string>();
  const matches = compileDetection(doc.detection, usedFields);
  const mitreAttack = mitreFromTags(tags);
  let threatType = threatTypeFromTags(mitreAttack);
  if (doc.threat_type !== undefined) {
    if (typeof doc.threat_type !== 'string' || !THREAT_TYPE.test(doc.threat_type)) {
      throw new SigmaRuleError("'threat_type' must be snake_case (e.g. sql_injection)");
    }
    threatType = doc.threat_type;
  }
  const id = typeof doc.id === 'string' ? doc.id : `title-${createHash('sha1').update(doc.title).digest('hex').slice(0, 16)}`;
  return {
    id,
    name: typeof doc.name === 'string' ? doc.name : null,
    title: doc.title.trim(),
    level,
    tags,
    logsource: logsourceText,
    status: typeof doc.status === 'string' ? doc.status : null,
    description: typeof doc.description === 'string' ? doc.description : null,
    related,
    mitreAttack,
    severity: severityFromLevel(level),
    threatType,
    formats: formatsForLogsource(logsourceText),
    fields: [...usedFields],
    literals: detectionLiterals(doc.detection as Json),
    matches,
  };
}

export function compileSigmaRule(yamlText: string): CompiledRule {
  if (typeof yamlText !== 'string' || yamlText.trim() === '') throw new SigmaRuleError('the rule is empty');
  const docs = parseAllDocuments(yamlText);
  if (!Array.isArray(docs)) throw new SigmaRuleError('the rule is empty');
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) throw new SigmaRuleError('the rule is empty');
  if (nonEmpty.length > 1) {
    throw new SigmaRuleError(`multi-document YAML (${nonEmpty.length} documents: rule collections or correlations) holds a rule collection; compileSigmaRule takes one rule (collections and correlation rules: compileSigmaCollection)`);
  }
  const doc = nonEmpty[0];
  if (doc.errors.length > 0) throw new SigmaRuleError(`invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return compileRuleObject(doc.toJS({ maxAliasCount: 50 }));
}
