/**
 * JSON the way terraform writes it (Go's `json.MarshalIndent(v, "", "  ")`), read back without loss.
 *
 * JavaScript's JSON.parse loses two things a byte-for-byte round trip needs: the text of numbers that a double
 * cannot reproduce (`1.0`, integers past 2^53) and the order of integer-like keys (`{"b":1,"1":2}`). This parser
 * keeps such numbers as `RawNumber` and records the original key order of such objects; the writer emits
 * strings with Go's escaping (`<`, `>`, `&`, U+2028/9 as \u sequences) and Go's indentation.
 */

/** A JSON number whose text a JS double would not reproduce; `valueOf()` gives the nearest double. */
export class RawNumber {
  constructor(readonly text: string) {}
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
}

/** Original key order of an object whose keys JS would reorder (integer-like keys). */
export const KEY_ORDER = Symbol('tfstate-key-order');

export class JsonSyntaxError extends Error {}

const INTEGER_KEY = /^(0|[1-9]\d{0,8})$/;
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

export function parseGoJson(text: string): unknown {
  let pos = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${pos}`);
  };
  const skipWs = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const readString = (): string => {
    const end = findStringEnd(text, pos);
    if (end < 0) fail('unterminated string');
    const start = pos + 1;
    pos = end + 1;
    const raw = text.slice(start, end);
    if (raw.indexOf('\\') < 0 && !/[\u0000-\u001f]/.test(raw)) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return fail('invalid string');
    }
  };
  const readNumber = (): number | RawNumber => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match) return fail('invalid number');
    pos += match[0].length;
    const value = Number(match[0]);
    return formatGoNumber(value) === match[0] ? value : new RawNumber(match[0]);
  };
  const readValue = (depth: number): unknown => {
    if (depth > 512) fail('nesting too deep');
    skipWs();
    const c = text[pos];
    if (c === '{') return readObject(depth);
    if (c === '[') {
      pos++;
      const items: unknown[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      for (;;) {
        items.push(readValue(depth + 1));
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return items;
        } else fail('expected , or ]');
      }
    }
    if (c === '"') return readString();
    if (text.startsWith('true', pos)) return (pos += 4), true;
    if (text.startsWith('false', pos)) return (pos += 5), false;
    if (text.startsWith('null', pos)) return (pos += 4), null;
    return readNumber();
  };
  const readObject = (depth: number): Record<string, unknown> => {
    pos++;
    const object: Record<string, unknown> = {};
    const order: string[] = [];
    let integerKeys = false;
    skipWs();
    if (text[pos] === '}') {
      pos++;
      return object;
    }
    for (;;) {
      skipWs();
      if (text[pos] !== '"') fail('expected a key');
      const key = readString();
      skipWs();
      if (text[pos] !== ':') fail('expected :');
      pos++;
      const value = readValue(depth + 1);
      if (Object.hasOwn(object, key)) fail(`duplicate key ${JSON.stringify(key)}`);
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      order.push(key);
      const first = key.charCodeAt(0);
      if (first >= 0x30 && first <= 0x39 && INTEGER_KEY.test(key)) integerKeys = true;
      skipWs();
      if (text[pos] === ',') pos++;
      else if (text[pos] === '}') {
        pos++;
        break;
      } else fail('expected , or }');
    }
    if (integerKeys) Object.defineProperty(object, KEY_ORDER, { value: order, enumerable: false });
    return object;
  };
  const value = readValue(0);
  skipWs();
  if (pos !== text.length) fail('unexpected trailing data');
  return value;
}

function findStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i;
  }
  return -1;
}

/** Go's float64 formatting: the shortest text that reads back, exponent form outside [1e-6, 1e21). */
export function formatGoNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError('JSON cannot hold a non-finite number');
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

const HEX = '0123456789abcdef';

/** A string as Go's encoding/json writes it (HTML-safe escaping, the Go 1.22+ short forms). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

export function quoteGoString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  let last = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let escape: string | null = null;
    if (c < 0x20) {
      escape = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : c === 0x08 ? '\\b' : c === 0x0c ? '\\f' : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) escape = '\\"';
    else if (c === 0x5c) escape = '\\\\';
    else if (c === 0x3c) escape = '\\u003c';
    else if (c === 0x3e) escape = '\\u003e';
    else if (c === 0x26) escape = '\\u0026';
    else if (c === 0x2028) escape = '\\u2028';
    else if (c === 0x2029) escape = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      escape = '\\ufffd';
    }
    if (escape !== null) {
      out += value.slice(last, i) + escape;
      last = i + 1;
    }
  }
  return out + value.slice(last) + '"';
}

function keysOf(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  const order = (object as { [KEY_ORDER]?: string[] })[KEY_ORDER];
  if (!order || order.length !== keys.length || !order.every((key) => Object.hasOwn(object, key))) return keys;
  return order;
}

/** Writes `value` like Go's MarshalIndent with a two-space indent (no trailing newline). */
export function stringifyGoJson(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof RawNumber) return value.text;
  switch (typeof value) {
    case 'string':
      return quoteGoString(value);
    case 'number':
      return formatGoNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      throw new TypeError(`JSON cannot hold a ${typeof value}`);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + stringifyGoJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = keysOf(object).filter((key) => object[key] !== undefined);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((key) => `${inner}${quoteGoString(key)}: ${stringifyGoJson(object[key], inner)}`).join(',\n')}\n${indent}}`;
}

/** Plain JSON values for callers outside this module (RawNumber becomes a number). */
export function toPlainJson(value: unknown): unknown {
  if (value instanceof RawNumber) return value.valueOf();
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of keysOf(value as Record<string, unknown>)) {
      Object.defineProperty(out, key, { value: toPlainJson((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** A deep copy that keeps RawNumber and key-order markers. */
export function cloneJson<T>(value: T): T {
  if (value instanceof RawNumber || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    Object.defineProperty(out, key, { value: cloneJson(source[key]), enumerable: true, writable: true, configurable: true });
  }
  const order = (source as { [KEY_ORDER]?: string[] })[KEY_ORDER];
  if (order) Object.defineProperty(out, KEY_ORDER, { value: [...order], enumerable: false });
  return out as T;
}
