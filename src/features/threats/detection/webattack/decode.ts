/**
 * Undoes the encodings attackers stack to slip past filters: percent-encoding (repeatedly, including %uXXXX
 * and overlong UTF-8 — any ASCII character written in 2, 3 or 4 bytes, which lenient decoders accept), `+` as
 * space, HTML character references. Returns the fully decoded text.
 */
// Invalid forms some decoders accept: a lead byte with a non-continuation second byte.
const OVERLONG: Record<string, string> = { '%c0%2f': '/', '%c0%5c': '\\' };
// Overlong UTF-8: the code point of the continuation bits is below 0x80 (ASCII in disguise).
const OVERLONG_UTF8 = /%c[01]%[89ab][0-9a-f]|%e0%8[01]%[89ab][0-9a-f]|%f0%80%8[01]%[89ab][0-9a-f]/gi;

function overlongToAscii(seq: string): string {
  const bytes = seq.split('%').slice(1).map((h) => parseInt(h, 16));
  let cp = bytes[0] & (bytes.length === 2 ? 0x1f : bytes.length === 3 ? 0x0f : 0x07);
  for (const b of bytes.slice(1)) cp = (cp << 6) | (b & 0x3f);
  return String.fromCharCode(cp);
}
const NAMED_ENTITIES: Record<string, string> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', sol: '/', bsol: '\\', colon: ':', lpar: '(', rpar: ')',
  tab: '\t', newline: '\n', nbsp: ' ', semi: ';', equals: '=', grave: '`', period: '.', comma: ',', num: '#',
};

function percentDecodeOnce(text: string): string {
  let out = /%[cef][01]/i.test(text) ? text.replace(OVERLONG_UTF8, overlongToAscii).replace(/%c0%(?:2f|5c)/gi, (m) => OVERLONG[m.toLowerCase()] ?? m) : text;
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
