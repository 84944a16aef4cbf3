/**
 * A small SQL lexer in the spirit of libinjection (written from its published idea, not its code): the input
 * is read as SQL in three contexts — as-is, and as if it continued a '...' or "..." string the application
 * opened — and reduced to classed tokens that the grammar in sqli.ts judges.
 */
export type SqlTokenType =
  | 's' // string literal
  | 'n' // number / null / boolean literal
  | 'k' // clause keyword (select, from, where, order, ...)
  | 'U' // union
  | '&' // logic operator (and, or, xor, &&, ||)
  | 'o' // operator (= < > + - * / like rlike in ...)
  | 'f' // function name (identifier followed by '(')
  | 'v' // variable (@x, @@version)
  | 'b' // bareword (unknown identifier)
  | 'c' // comment
  | '(' | ')' | ',' | ';' | '.'
  | '?'; // any other character

export interface SqlToken { type: SqlTokenType; text: string; /** a string that closed the application's quote */ breaks?: boolean; open?: boolean }

const KEYWORDS = new Set(['select', 'from', 'where', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'truncate',
  'order', 'group', 'by', 'having', 'limit', 'offset', 'into', 'values', 'exec', 'execute', 'declare', 'waitfor', 'delay',
  'case', 'when', 'then', 'else', 'end', 'as', 'join', 'table', 'shutdown', 'begin', 'set', 'distinct', 'all', 'procedure',
  'outfile', 'dumpfile', 'top', 'asc', 'desc', 'grant', 'revoke', 'call', 'handler', 'load', 'cursor', 'fetch', 'return']);
const LOGIC = new Set(['and', 'or', 'xor', '&&', '||']);
const WORD_OPERATORS = new Set(['like', 'rlike', 'regexp', 'sounds', 'between', 'is', 'in', 'not', 'div', 'mod', 'collate', 'escape', 'glob', 'match', 'against']);
const LITERALS = new Set(['null', 'true', 'false']);
const OPERATOR_CHARS = '=<>!+-*/%^|&~:';

const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 160;

function readQuoted(text: string, start: number, quote: string): { end: number; closed: boolean } {
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (c === quote) {
      if (text[i + 1] === quote) { i++; continue; }
      return { end: i + 1, closed: true };
    }
  }
  return { end: text.length, closed: false };
}

/** `startQuote` '' = the value is raw SQL; "'" or '"' = the value continues a string the application opened. */
export function tokenizeSql(input: string, startQuote: '' | "'" | '"', limit = 64): SqlToken[] {
  const text = input.toLowerCase();
  const tokens: SqlToken[] = [];
  let i = 0;
  if (startQuote) {
    const { end, closed } = readQuoted(text, 0, startQuote);
    if (!closed) return [];
    tokens.push({ type: 's', text: text.slice(0, end - 1), breaks: true });
    i = end;
  }
  while (i < text.length && tokens.length < limit) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (isSpace(c)) { i++; continue; }
    if (ch === '/' && text[i + 1] === '*') {
      if (text[i + 2] === '!') { i = i + 3; while (isDigit(text.charCodeAt(i))) i++; continue; } // MySQL versioned comment runs its body
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      // An inline comment used as a space folds away; one running to the end terminates the query.
      if (close < 0 || end >= text.trimEnd().length) tokens.push({ type: 'c', text: text.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === '*' && text[i + 1] === '/') { i += 2; continue; }
    if ((ch === '-' && text[i + 1] === '-') || ch === '#') {
      tokens.push({ type: 'c', text: text.slice(i) });
      break;
    }
    if (ch === "'" || ch === '"') {
      const { end, closed } = readQuoted(text, i + 1, ch);
      tokens.push({ type: 's', text: text.slice(i + 1, closed ? end - 1 : end), open: !closed });
      i = end;
      continue;
    }
    if (ch === '`' || ch === '[') {
      const close = text.indexOf(ch === '`' ? '`' : ']', i + 1);
      const end = close < 0 ? text.length : close + 1;
      tokens.push({ type: 'b', text: text.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === '@') {
      let j = i + 1;
      if (text[j] === '@') j++;
      while (j < text.length && (isWordChar(text.charCodeAt(j)) || text[j] === '.')) j++;
      tokens.push({ type: 'v', text: text.slice(i, j) });
      i = j;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const unarySign = (ch === '-' || ch === '+') && isDigit(text.charCodeAt(i + 1))
      && (!prev || prev.type === 'o' || prev.type === '(' || prev.type === ',' || prev.type === '&' || prev.type === 'k');
    if (unarySign || isDigit(c) || (ch === '.' && isDigit(text.charCodeAt(i + 1)))) {
      let j = unarySign ? i + 1 : i;
      if (ch === '0' && (text[i + 1] === 'x' || text[i + 1] === 'b')) j += 2;
      while (j < text.length && (isWordChar(text.charCodeAt(j)) || text[j] === '.')) j++;
      const word = text.slice(i, j);
      // "4354c07a" is an identifier-like token, not a number.
      tokens.push({ type: /^[-+]?(?:0x[0-9a-f]*|0b[01]+|\d*\.?\d+(?:e[+-]?\d+)?|\d+\.)$/.test(word) ? 'n' : 'b', text: word });
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (j < text.length && (isWordChar(text.charCodeAt(j)) || (text[j] === '.' && isWordChar(text.charCodeAt(j + 1))))) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < text.length && isSpace(text.charCodeAt(k))) k++;
      if (text[k] === '(' && !KEYWORDS.has(word) && !LOGIC.has(word) && !WORD_OPERATORS.has(word)) tokens.push({ type: 'f', text: word });
      else if (word === 'union') tokens.push({ type: 'U', text: word });
      else if (KEYWORDS.has(word)) tokens.push({ type: 'k', text: word });
      else if (LOGIC.has(word)) tokens.push({ type: '&', text: word });
      else if (WORD_OPERATORS.has(word)) tokens.push({ type: 'o', text: word });
      else if (LITERALS.has(word)) tokens.push({ type: 'n', text: word });
      else tokens.push({ type: 'b', text: word });
      i = j;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === ';' || ch === '.') {
      tokens.push({ type: ch, text: ch });
      i++;
      continue;
    }
    if (OPERATOR_CHARS.includes(ch)) {
      let j = i + 1;
      while (j < text.length && j - i < 3 && OPERATOR_CHARS.includes(text[j]) && !(text[j] === '-' && text[j + 1] === '-')) j++;
      const op = text.slice(i, j);
      tokens.push({ type: op === '&&' || op === '||' ? '&' : 'o', text: op });
      i = j;
      continue;
    }
    tokens.push({ type: '?', text: ch });
    i++;
  }
  return tokens;
}
