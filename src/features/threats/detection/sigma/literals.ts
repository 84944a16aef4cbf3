/**
 * Literal prefilter: the substrings (lower-cased) of which at least one must occur in a raw line for a rule to
 * be able to match. `null` means "cannot tell" (regex, CIDR, numbers, absence tests, derived fields) and the
 * rule is always evaluated. AND takes the most selective child, OR the union, NOT gives up. Sound only for
 * formats whose field values are verbatim substrings of the line (not JSON), which the pipeline enforces.
 */
export type Literals = string[] | null;

// Normalized fields our line parsers copy verbatim from the line (derived ones such as `event` are excluded).
const RAW_FIELDS = new Set(['uri', 'path', 'query', 'user_agent', 'referer', 'method', 'src_ip', 'user', 'host', 'program',
  'command', 'target_user', 'message', 'request', 'tty', 'pwd', 'auth_method', 'pam_service', 'pam_module', 'dst_ip', 'status']);
const LITERAL_MODES = new Set(['contains', 'startswith', 'endswith']);
const LITERAL_TRANSFORMS = ['base64', 'base64offset', 'windash', 'utf16le', 'utf16be', 'utf16', 'wide'];

function longestPiece(value: string): string {
  let best = '';
  for (const piece of value.split(/(?<!\\)[*?]/)) {
    const text = piece.replace(/\\([*?\\])/g, '$1');
    if (text.length > best.length) best = text;
  }
  return best.toLowerCase();
}

export function fieldLiterals(resolvedNames: string[] | null, modifiers: string[], values: unknown[]): Literals {
  if (resolvedNames && !resolvedNames.some((n) => RAW_FIELDS.has(n))) return null;
  const match = modifiers.find((m) => LITERAL_MODES.has(m) || ['re', 'cidr', 'exists', 'gt', 'gte', 'lt', 'lte', 'fieldref'].includes(m));
  if (match !== undefined && !LITERAL_MODES.has(match)) return null;
  if (modifiers.some((m) => LITERAL_TRANSFORMS.includes(m))) return null;
  const literals: string[] = [];
  for (const value of values) {
    if (value === null || typeof value === 'object') return null;
    const literal = longestPiece(String(value));
    if (literal.length < 2) return null;
    literals.push(literal);
  }
  if (modifiers.includes('all')) return [literals.reduce((a, b) => (b.length > a.length ? b : a))];
  return literals;
}

export function andLiterals(parts: Literals[]): Literals {
  let best: Literals = null;
  for (const p of parts) {
    if (p === null) continue;
    if (best === null || p.length < best.length) best = p;
  }
  return best;
}

export function orLiterals(parts: Literals[]): Literals {
  const all: string[] = [];
  for (const p of parts) {
    if (p === null) return null;
    all.push(...p);
  }
  return all;
}

/** Aho-Corasick automaton over many literals: one pass over the text says which literals occur. */
export class LiteralMatcher {
  private readonly goto: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly output: number[][] = [[]];

  constructor(literals: string[]) {
    literals.forEach((literal, id) => {
      let state = 0;
      for (let i = 0; i < literal.length; i++) {
        const c = literal.charCodeAt(i);
        let next = this.goto[state].get(c);
        if (next === undefined) {
          next = this.goto.length;
          this.goto.push(new Map());
          this.fail.push(0);
          this.output.push([]);
          this.goto[state].set(c, next);
        }
        state = next;
      }
      this.output[state].push(id);
    });
    const queue: number[] = [...this.goto[0].values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [c, next] of this.goto[state]) {
        queue.push(next);
        let f = this.fail[state];
        while (f !== 0 && !this.goto[f].has(c)) f = this.fail[f];
        const target = this.goto[f].get(c);
        this.fail[next] = target !== undefined && target !== next ? target : 0;
        this.output[next] = this.output[next].concat(this.output[this.fail[next]]);
      }
    }
  }

  /** Calls `found(id)` for every literal occurring in `text` (ids may repeat). */
  scan(text: string, found: (id: number) => void): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next = this.goto[state].get(c);
      while (next === undefined && state !== 0) {
        state = this.fail[state];
        next = this.goto[state].get(c);
      }
      state = next ?? 0;
      const out = this.output[state];
      for (let k = 0; k < out.length; k++) found(out[k]);
    }
  }
}
