/**
 * Undoes the encodings attackers stack to slip past filters: percent-encoding (repeatedly, including %uXXXX
 * and overlong UTF-8 for . / \), `+` as space, HTML character references. Returns the fully decoded text.
 */
const OVERLONG: Record<string, string> = { '%c0%ae': '.', '%c0%af': '/', '%c1%9c': '\\', '%c0%2f': '/', '%c0%5c': '\\', '%e0%80%ae': '.' };
const NAMED_ENTITIES: Record<string, string> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', sol: '/', bsol: '\\', colon: ':', lpar: '(', rpar: ')',
  tab: '\t', newline: '\n', nbsp: ' ', semi: ';', equals: '=', grave: '`', period: '.', comma: ',', num: '#',
};

function percentDecodeOnce(text: string): string {
  let out = text.replace(/%(?:c0%ae|c0%af|c1%9c|c0%2f|c0%5c|e0%80%ae)/gi, (m) => OVERLONG[m.toLowerCase()] ?? m);
  out = out.replace(/%u([0-9a-f]{4})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  // Decode byte runs as UTF-8 when valid, else byte by byte (latin-1), so one bad escape does not stop the rest.
  return out.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });
}

function htmlDecode(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|([a-z]{2,8}));?/gi, (m, hex?: string, dec?: string, name?: string) => {
    if (hex) return String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
    if (dec) return String.fromCodePoint(Math.min(Number(dec), 0x10ffff));
    const named = NAMED_ENTITIES[name!.toLowerCase()];
    return named ?? m;
  });
}

export function decodeValue(raw: string, plusIsSpace = true): string {
  let current = plusIsSpace ? raw.replace(/\+/g, ' ') : raw;
  for (let round = 0; round < 4; round++) {
    const next = current.includes('%') ? percentDecodeOnce(current) : current;
    const html = next.includes('&') ? htmlDecode(next) : next;
    if (html === current) break;
    current = html;
  }
  return current;
}

/** Splits a query string (or form body) into decoded parameter values. */
export function queryValues(query: string): string[] {
  if (!query) return [];
  const values: string[] = [];
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    values.push(eq < 0 ? pair : pair.slice(eq + 1));
  }
  return values;
}
