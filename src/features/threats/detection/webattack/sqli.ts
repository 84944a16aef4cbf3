/**
 * SQL injection judged by grammar, not by keywords: the value is tokenized in each quoting context and the
 * token sequence is accepted as an attack only when it forms SQL that changes the application's query —
 * breaking out of a string or number and continuing with logic, a comparison, a comment, a stacked statement,
 * a UNION or a subquery. "O'Brien", "select a plan" or "1-2" tokenize but form no such sequence.
 */
import { tokenizeSql, type SqlToken } from './sql-tokens';

export interface SqliVerdict { rule: string; confidence: number; context: string; fingerprint: string }

const STATEMENT_START = new Set(['select', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'truncate', 'exec',
  'execute', 'declare', 'waitfor', 'shutdown', 'begin', 'set', 'grant', 'call', 'load', 'handler']);
const CLAUSE_AFTER_VALUE = new Set(['where', 'order', 'group', 'having', 'limit', 'procedure', 'into', 'as', 'from']);
const COMPARISON = /^(?:=|<|>|<=|>=|<>|!=|<=>|like|rlike|regexp|sounds|between|is|in|not|glob|match|div|mod|\|\||\*|\+|-|\/|%|\^|&|\||:=)$/;
const VALUE_TYPES = new Set(['s', 'n', 'v', 'b', 'f']);

const isValue = (t: SqlToken | undefined): boolean => t !== undefined && VALUE_TYPES.has(t.type);

function fingerprint(tokens: SqlToken[]): string {
  return tokens.map((t) => (t.breaks ? 'S' : t.type)).join('').slice(0, 12);
}

/** Index after a run of closing parentheses starting at `i`. */
function skipClosing(tokens: SqlToken[], i: number): number {
  while (tokens[i]?.type === ')') i++;
  return i;
}

function hasSelectStatement(tokens: SqlToken[], from: number): boolean {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'k' || t.text !== 'select') continue;
    const next = tokens[i + 1];
    if (!next) return false;
    if (next.type === 'f' || next.type === 'v' || next.type === '(' || next.text === '*' || next.type === 's') return true;
    if (next.type === 'n' && next.text === 'null') return true;
    if (next.type === 'k' && (next.text === 'distinct' || next.text === 'all' || next.text === 'top')) return true;
    for (let j = i + 2; j < Math.min(tokens.length, i + 8); j++) {
      if (tokens[j].type === 'k' && tokens[j].text === 'from') {
        const after = tokens[j + 1];
        return after !== undefined && (after.type === 'b' || after.type === '(' || after.type === 'f');
      }
    }
  }
  return false;
}

/** A comparison `value op value` starting at i (e.g. 1=1, 'a'='a', 8148=like(...)). */
function isComparison(tokens: SqlToken[], i: number): boolean {
  const a = tokens[i];
  if (a?.type === '(' && tokens[i + 1]?.type !== 'k') return isComparison(tokens, i + 1);
  const op = tokens[i + 1];
  if (!isValue(a) && a?.type !== '(') return false;
  if (!op || op.type !== 'o' || !COMPARISON.test(op.text)) {
    return a?.type === 'f'; // a function call after logic (and sleep(5), or elt(...)) is a condition too
  }
  const b = tokens[i + 2];
  return b !== undefined && (isValue(b) || b.type === '(' || b.type === 'o');
}

const DELAY_STATEMENTS = new Set(['waitfor', 'exec', 'execute', 'declare', 'shutdown']);
const STRICT_COMPARISON = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>']);

function isStrictComparison(tokens: SqlToken[], i: number): boolean {
  const op = tokens[i + 1];
  return isValue(tokens[i]) && op !== undefined && op.type === 'o' && STRICT_COMPARISON.has(op.text) && isValue(tokens[i + 2]);
}

function judge(tokens: SqlToken[], context: string): SqliVerdict | null {
  if (tokens.length < 2) return null;
  const verdict = (rule: string, confidence: number): SqliVerdict => ({ rule, confidence, context, fingerprint: fingerprint(tokens) });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'U') {
      let j = i + 1;
      if (tokens[j]?.type === 'k' && (tokens[j].text === 'all' || tokens[j].text === 'distinct')) j++;
      while (tokens[j]?.type === '(') j++;
      if (tokens[j]?.type === 'k' && tokens[j].text === 'select') return verdict('union_select', 0.97);
    }
    if (t.type === ';') {
      const next = tokens[i + 1];
      if (next && ((next.type === 'k' && STATEMENT_START.has(next.text)) || (next.type === 'f' && i > 0))) return verdict('stacked_query', 0.95);
    }
    if (t.type === '(' && tokens[i + 1]?.type === 'k' && tokens[i + 1].text === 'select' && tokens.length > i + 2) {
      return verdict('subquery', 0.9);
    }
    if (t.type === 'k' && t.text === 'where' && isComparison(tokens, i + 1)) return verdict('where_condition', 0.9);
    // A comparison as a function argument or in parentheses is a boolean probe: elt(1=1,...), (8362=9139)*9139.
    if ((t.type === 'f' || (t.type === '(' && i === 0)) && isStrictComparison(tokens, t.type === 'f' ? i + 2 : i + 1)) {
      return verdict('conditional_expression', 0.85);
    }
    if (t.type === 'k' && t.text === 'case' && tokens.some((x, j) => j > i && x.type === 'k' && x.text === 'when')
      && tokens.some((x, j) => j > i && x.type === 'k' && x.text === 'then')) return verdict('case_when', 0.9);
  }
  const first = tokens[0];
  const afterValue = skipClosing(tokens, 1);
  const closedParens = afterValue > 1;
  const next = tokens[afterValue];
  if (first.breaks) {
    // The value closed the application's string: whatever SQL follows it is the injection.
    if (!next) return null;
    if (next.type === '&') {
      const operand = tokens[afterValue + 1];
      return operand && (isValue(operand) || operand.type === '(' || operand.type === 'o') ? verdict('string_break_logic', 0.95) : null;
    }
    if (next.type === 'k' && STATEMENT_START.has(next.text)) return verdict('string_break_statement', 0.9);
    if (next.type === ';' || next.type === 'U') return verdict('string_break_statement', 0.95);
    if (next.type === 'c') return verdict('string_break_comment', 0.9);
    if (next.type === 'o' && COMPARISON.test(next.text) && tokens[afterValue + 1]) return verdict('string_break_operator', 0.9);
    if (next.type === 'k' && CLAUSE_AFTER_VALUE.has(next.text) && tokens[afterValue + 1]) return verdict('string_break_clause', 0.9);
    if (next.type === 'k' && DELAY_STATEMENTS.has(next.text)) return verdict('number_statement', 0.85);
    if (closedParens && (next.type === ',' || next.type === 'f')) return verdict('string_break_parenthesis', 0.85);
    return null;
  }
  if (first.type === '&' && isComparison(tokens, 1)) return verdict('leading_logic', 0.85);
  if (first.type !== 'n' && first.type !== 'v' && first.type !== 'b') return hasSelectStatement(tokens, 0) && sqlContext(tokens) ? verdict('select_statement', 0.8) : null;
  if (!next) return null;
  if (closedParens) {
    // An unbalanced ')' right after a value leaves the application's parenthesised expression.
    if (next.type === '&' || next.type === ';' || next.type === 'U' || next.type === 'c') return verdict('number_break_parenthesis', 0.9);
    if (next.type === 'k' && DELAY_STATEMENTS.has(next.text)) return verdict('number_statement', 0.85);
    if (next.type === 'k' && CLAUSE_AFTER_VALUE.has(next.text)) return verdict('number_break_clause', 0.9);
    if (next.type === 'o' && COMPARISON.test(next.text) && isValue(tokens[afterValue + 1])) return verdict('number_break_operator', 0.8);
  }
  if (first.type === 'n' || first.type === 'v') {
    if (next.type === '&' && isComparison(tokens, afterValue + 1)) return verdict('tautology', 0.9);
    if (next.type === 'o' && next.text !== '-' && next.text !== '+' && next.text !== '/' && (tokens[afterValue + 1]?.type === '(' || tokens[afterValue + 1]?.type === 'f')) {
      return verdict('operator_subexpression', 0.8);
    }
    if (next.type === 'k' && DELAY_STATEMENTS.has(next.text)) return verdict('number_statement', 0.85);
    if (next.type === 'k' && CLAUSE_AFTER_VALUE.has(next.text) && next.text !== 'as' && next.text !== 'from' && tokens[afterValue + 1]) return verdict('number_clause', 0.85);
    if (next.type === 'c' && tokens.length === 2 && first.type === 'n' && next.text.startsWith('/*')) return verdict('number_comment', 0.6);
  }
  return hasSelectStatement(tokens, 0) && sqlContext(tokens) ? verdict('select_statement', 0.8) : null;
}

/** Natural language can say "select one from the list"; a SELECT is an attack only with other SQL around it. */
function sqlContext(tokens: SqlToken[]): boolean {
  return tokens.some((t) => t.type === 'c' || t.type === ';' || t.type === 'f' || t.type === 'v' || t.type === '(' || t.breaks
    || (t.type === 'o' && t.text !== '-') || (t.type === 'k' && (t.text === 'where' || t.text === 'limit' || t.text === 'order')));
}

export function detectSqli(value: string): SqliVerdict | null {
  if (value.length < 2) return null;
  const contexts: ['' | "'" | '"', string][] = [['', 'raw']];
  if (value.includes("'")) contexts.push(["'", 'single-quoted']);
  if (value.includes('"')) contexts.push(['"', 'double-quoted']);
  let best: SqliVerdict | null = null;
  for (const [quote, name] of contexts) {
    const verdict = judge(tokenizeSql(value, quote), name);
    if (verdict && (!best || verdict.confidence > best.confidence)) best = verdict;
  }
  return best;
}
