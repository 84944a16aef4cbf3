/**
 * Sigma condition expressions: identifiers, `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`,
 * `N of them`. Precedence: not > and > or. Compiled into closures over the compiled search identifiers.
 */
import type { EventView } from '../types';
import { SigmaRuleError } from './errors';
import type { EventTest } from './field-test';

type Token = { kind: 'word' | 'lparen' | 'rparen'; text: string };

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  for (const [text] of condition.matchAll(/\(|\)|\||[^\s()|]+/g)) {
    if (text === '|') {
      throw new SigmaRuleError(`condition '${condition}': aggregation expressions after '|' are not supported (use a Sigma correlation rule)`);
    }
    tokens.push({ kind: text === '(' ? 'lparen' : text === ')' ? 'rparen' : 'word', text });
  }
  return tokens;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** How a condition's operators combine values of T (closures for matching, literal sets for prefiltering). */
export interface ConditionAlgebra<T> {
  and(parts: T[]): T;
  or(parts: T[]): T;
  not(inner: T): T;
  atLeast(count: number, parts: T[]): T;
}

export function buildCondition<T>(condition: string, searches: Map<string, T>, algebra: ConditionAlgebra<T>): T {
  const tokens = tokenize(condition);
  let pos = 0;
  const fail = (why: string): never => { throw new SigmaRuleError(`condition '${condition}': ${why}`); };
  const peekWord = (): string | null => (tokens[pos]?.kind === 'word' ? tokens[pos].text.toLowerCase() : null);

  const selectGroup = (pattern: string): T[] => {
    if (pattern === 'them') return [...searches.entries()].filter(([n]) => !n.startsWith('_')).map(([, t]) => t);
    const re = globToRegExp(pattern);
    const found = [...searches.entries()].filter(([n]) => re.test(n)).map(([, t]) => t);
    if (found.length === 0) fail(`'${pattern}' matches no search identifier`);
    return found;
  };

  const parsePrimary = (): T => {
    const token = tokens[pos];
    if (!token) return fail('unexpected end');
    if (token.kind === 'lparen') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== 'rparen') fail('missing closing parenthesis');
      pos++;
      return inner;
    }
    if (token.kind === 'rparen') return fail('unexpected )');
    const word = token.text;
    const lower = word.toLowerCase();
    if (lower === 'not') {
      pos++;
      return algebra.not(parsePrimary());
    }
    if ((lower === 'all' || /^\d+$/.test(lower)) && tokens[pos + 1]?.text.toLowerCase() === 'of') {
      const target = tokens[pos + 2];
      if (!target || target.kind !== 'word') return fail(`'${word} of' needs a pattern or 'them'`);
      pos += 3;
      const group = selectGroup(target.text);
      if (lower === 'all') return algebra.and(group);
      const need = Number(lower);
      return need <= 1 ? algebra.or(group) : algebra.atLeast(need, group);
    }
    if (lower === 'and' || lower === 'or' || lower === 'of') return fail(`unexpected '${word}'`);
    const search = searches.get(word);
    if (search === undefined) return fail(`unknown search identifier '${word}'`);
    pos++;
    return search;
  };

  const parseAnd = (): T => {
    const parts = [parsePrimary()];
    while (peekWord() === 'and') {
      pos++;
      parts.push(parsePrimary());
    }
    return parts.length === 1 ? parts[0] : algebra.and(parts);
  };

  function parseOr(): T {
    const parts = [parseAnd()];
    while (peekWord() === 'or') {
      pos++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0] : algebra.or(parts);
  }

  if (tokens.length === 0) fail('empty condition');
  const result = parseOr();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos].text}'`);
  return result;
}

const TEST_ALGEBRA: ConditionAlgebra<EventTest> = {
  and: (parts) => (e: EventView) => parts.every((p) => p(e)),
  or: (parts) => (e: EventView) => parts.some((p) => p(e)),
  not: (inner) => (e: EventView) => !inner(e),
  atLeast: (need, parts) => (e: EventView) => {
    let hits = 0;
    for (const t of parts) if (t(e) && ++hits >= need) return true;
    return false;
  },
};

export function compileCondition(condition: string, searches: Map<string, EventTest>): EventTest {
  return buildCondition(condition, searches, TEST_ALGEBRA);
}
