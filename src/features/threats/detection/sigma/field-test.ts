/**
 * Compiles one detection entry (`field|mod|mod: value(s)`) into a predicate over an event. Transformations
 * (base64, base64offset, utf16*, wide, windash) expand a value into variants at compile time; the match type
 * (contains, startswith, endswith, re, cidr, gt..., exists, fieldref) picks the test; `all` switches the value
 * list from OR to AND; `cased` makes string tests case-sensitive.
 */
import type { EventView } from '../types';
import { compileCidr } from './cidr';
import { SigmaRuleError } from './errors';
import { compileStringTest, type MatchMode, type StringTest } from './wildcard';

export type EventTest = (event: EventView) => boolean;

const found0: unknown[] = [];

const MATCH_TYPES = new Set(['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte', 'fieldref']);
const TRANSFORMS = new Set(['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash']);
const OPTIONS = new Set(['all', 'cased', 'i', 'm', 's', 'ignorecase', 'multiline', 'dotall']);
const UNSUPPORTED: Record<string, string> = {
  expand: 'placeholders (|expand) need a placeholder configuration, which Vigil does not have',
};

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

function windashVariants(value: string): string[] {
  if (!/(^|\s)[-/]/.test(value)) return [value];
  return DASHES.map((dash) => value.replace(/(^|\s)[-/]/g, (_m, lead: string) => `${lead}${dash}`));
}

function encodeText(value: string, encoding: string | null): Buffer {
  if (encoding === 'utf16le' || encoding === 'wide' || encoding === 'utf16') {
    const body = Buffer.from(value, 'utf16le');
    return encoding === 'utf16' ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
  }
  if (encoding === 'utf16be') return Buffer.from(value, 'utf16le').swap16();
  return Buffer.from(value, 'utf8');
}

/** The three alignments of a value inside a longer base64 string (the value may start at any byte offset). */
function base64OffsetVariants(raw: Buffer): string[] {
  const starts = [0, 2, 3];
  const variants: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), raw]).toString('base64');
    const trailing = [0, 3, 2][(raw.length + shift) % 3];
    variants.push(encoded.slice(starts[shift], encoded.length - trailing));
  }
  return variants;
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function compileValue(value: unknown, modifiers: string[], field: string): StringTest {
  const has = (m: string): boolean => modifiers.includes(m);
  const matchType = modifiers.find((m) => MATCH_TYPES.has(m)) ?? 'exact';
  if (typeof value === 'object' && value !== null) {
    throw new SigmaRuleError(`field '${field}': values must be strings, numbers or null, got ${JSON.stringify(value)}`);
  }
  const text = String(value);
  if (matchType === 're') {
    let source = text;
    let flags = '';
    if (has('i') || has('ignorecase')) flags += 'i';
    if (has('m') || has('multiline')) flags += 'm';
    if (has('s') || has('dotall')) flags += 's';
    const inline = source.match(/^\(\?([ims]+)\)/);
    if (inline) {
      source = source.slice(inline[0].length);
      for (const f of inline[1]) if (!flags.includes(f)) flags += f;
    }
    try {
      const regex = new RegExp(source, flags);
      return (v) => regex.test(v);
    } catch (error) {
      throw new SigmaRuleError(`field '${field}': invalid regular expression '${text}': ${(error as Error).message}`);
    }
  }
  if (matchType === 'cidr') {
    const test = compileCidr(text);
    if (!test) throw new SigmaRuleError(`field '${field}': '${text}' is not a CIDR block`);
    return test;
  }
  if (matchType === 'gt' || matchType === 'gte' || matchType === 'lt' || matchType === 'lte') {
    const limit = Number(text);
    if (!Number.isFinite(limit)) throw new SigmaRuleError(`field '${field}': |${matchType} needs a number, got '${text}'`);
    return (v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) return false;
      return matchType === 'gt' ? n > limit : matchType === 'gte' ? n >= limit : matchType === 'lt' ? n < limit : n <= limit;
    };
  }
  let variants = [text];
  let mode: MatchMode = matchType === 'contains' || matchType === 'startswith' || matchType === 'endswith' ? matchType : 'exact';
  let cased = has('cased');
  if (has('windash')) variants = variants.flatMap(windashVariants);
  const encoding = modifiers.find((m) => m === 'utf16le' || m === 'utf16be' || m === 'utf16' || m === 'wide') ?? null;
  if (encoding && !has('base64') && !has('base64offset')) {
    throw new SigmaRuleError(`field '${field}': |${encoding} must be followed by |base64 or |base64offset`);
  }
  if (has('base64')) {
    variants = variants.map((v) => encodeText(v, encoding).toString('base64'));
    cased = true;
  } else if (has('base64offset')) {
    variants = variants.flatMap((v) => base64OffsetVariants(encodeText(v, encoding)));
    if (mode === 'exact') mode = 'contains';
    cased = true;
  }
  const tests = variants.map((v) => compileStringTest(v, mode, cased));
  return tests.length === 1 ? tests[0] : (v) => tests.some((t) => t(v));
}

export function validateModifiers(modifiers: string[], field: string): void {
  for (const m of modifiers) {
    if (UNSUPPORTED[m]) throw new SigmaRuleError(`field '${field}': modifier |${m} is not supported: ${UNSUPPORTED[m]}`);
    if (!MATCH_TYPES.has(m) && !TRANSFORMS.has(m) && !OPTIONS.has(m)) {
      throw new SigmaRuleError(`field '${field}': unknown modifier |${m}`);
    }
  }
  const matchTypes = modifiers.filter((m) => MATCH_TYPES.has(m));
  if (matchTypes.length > 1) throw new SigmaRuleError(`field '${field}': conflicting modifiers |${matchTypes.join('|')}`);
}

/** `field` is '' for keyword searches (a list of values under a bare `|all`-style key). */
export function compileFieldTest(field: string, modifiers: string[], rawValue: unknown, resolve: (f: string) => string[]): EventTest {
  validateModifiers(modifiers, field || 'keywords');
  const values = Array.isArray(rawValue) ? rawValue : [rawValue];
  if (values.length === 0) throw new SigmaRuleError(`field '${field}': empty value list`);
  const names = field ? resolve(field) : [];
  const keywordList: unknown[] = [];
  // The rule's own field name wins; our normalized alias answers only when the event lacks it.
  const read = (event: EventView): unknown[] => {
    if (!field) {
      keywordList[0] = event.keywordText();
      return keywordList;
    }
    for (let i = 0; i < names.length; i++) {
      const found = event.get(names[i]);
      if (found.length > 0) return found;
    }
    return found0;
  };

  if (modifiers.includes('exists')) {
    const want = values[0] === true || String(values[0]).toLowerCase() === 'true';
    return (event) => read(event).some((v) => !isEmpty(v)) === want;
  }
  if (modifiers.includes('fieldref')) {
    const others = values.map((v) => resolve(String(v)));
    return (event) => {
      const mine = read(event).map(asText);
      return others.some((names2) => names2.some((n) => event.get(n).some((o) => mine.includes(asText(o)))));
    };
  }

  const matchers: { test: StringTest | null }[] = values.map((value) =>
    value === null ? { test: null } : { test: compileValue(value, modifiers, field || 'keywords') });
  const testValue = (m: { test: StringTest | null }, found: unknown[]): boolean => {
    if (m.test === null) return found.length === 0 || found.every(isEmpty);
    for (const v of found) {
      const text = asText(v);
      if (text !== null && m.test(text)) return true;
    }
    return false;
  };
  if (modifiers.includes('all')) {
    return (event) => {
      const found = read(event);
      return matchers.every((m) => testValue(m, found));
    };
  }
  if (matchers.length === 1) {
    const only = matchers[0];
    return (event) => testValue(only, read(event));
  }
  return (event) => {
    const found = read(event);
    for (const m of matchers) if (testValue(m, found)) return true;
    return false;
  };
}
