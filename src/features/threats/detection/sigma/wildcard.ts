/**
 * Sigma string values: `*` and `?` are wildcards, `\*`, `\?` and `\\` escape them; any other backslash is
 * literal. A value compiles once into the cheapest test that implements it (equality, indexOf, a RegExp).
 */
export type MatchMode = 'exact' | 'contains' | 'startswith' | 'endswith';
export type StringTest = (value: string) => boolean;

interface Piece { literal: string; wildcard: '' | '*' | '?' }

function splitWildcards(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length && '*?\\'.includes(pattern[i + 1])) {
      literal += pattern[++i];
    } else if (c === '*' || c === '?') {
      pieces.push({ literal, wildcard: c });
      literal = '';
    } else {
      literal += c;
    }
  }
  pieces.push({ literal, wildcard: '' });
  return pieces;
}

// Consecutive tests usually read the same field value: lower-case it once, not once per rule value.
let lastRaw = '';
let lastLower = '';
function lower(v: string): string {
  if (v !== lastRaw) {
    lastRaw = v;
    lastLower = v.toLowerCase();
  }
  return lastLower;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Compiles one Sigma value for a match mode. `cased` false = case-insensitive (Sigma's default). */
export function compileStringTest(pattern: string, mode: MatchMode, cased: boolean): StringTest {
  const pieces = splitWildcards(pattern);
  const hasWildcard = pieces.length > 1;
  if (!hasWildcard) {
    const needle = cased ? pieces[0].literal : pieces[0].literal.toLowerCase();
    const fold = cased ? (v: string): string => v : lower;
    switch (mode) {
      case 'exact': return (v) => fold(v) === needle;
      case 'contains': return (v) => fold(v).includes(needle);
      case 'startswith': return (v) => fold(v).startsWith(needle);
      case 'endswith': return (v) => fold(v).endsWith(needle);
    }
  }
  let body = '';
  for (const piece of pieces) {
    body += escapeRegExp(piece.literal);
    if (piece.wildcard === '*') body += '[\\s\\S]*';
    else if (piece.wildcard === '?') body += '[\\s\\S]';
  }
  const anchoredStart = mode === 'exact' || mode === 'startswith';
  const anchoredEnd = mode === 'exact' || mode === 'endswith';
  const regex = new RegExp(`${anchoredStart ? '^' : ''}${body}${anchoredEnd ? '$' : ''}`, cased ? '' : 'i');
  return (v) => regex.test(v);
}

/** The literal text of a value with wildcards removed (used to pre-filter and by the naive baseline). */
export function hasWildcards(pattern: string): boolean {
  return splitWildcards(pattern).length > 1;
}
