/**
 * Field extraction from unstructured text: addresses, `user X` phrases, key=value pairs (firewall logs), an
 * embedded HTTP request line, and whether the text reports a failed or successful authentication.
 */
import { parseIp } from '../sigma/cidr';

const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d.])/;
const IPV6_CANDIDATE = /(?<![0-9a-z:.])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![0-9a-z:])/gi;
const USER_PHRASE = /\b(?:for(?: invalid)? user|user(?:name)?\b[=:]?|login[=:]|account\b[=:]?|by user)\s*['"]?([A-Za-z0-9._@\\-]{1,64})['"]?/i;
const KEY_VALUE = /\b([A-Z][A-Z0-9_]{1,15})=(\S*)/g;
const HTTP_REQUEST = /\b(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND)\s+(\S+)(?:\s+HTTP\/(\d(?:\.\d)?))?/;

const FAILED_AUTH = /\b(?:fail(?:ed|ure|s)?|invalid|incorrect|wrong|denied|bad|rejected|unsuccessful)\b[^\n]{0,40}?\b(?:login|logon|log-in|password|passwd|auth\w*|credentials?|sign[- ]?in|attempt|user)\b|\b(?:login|logon|auth\w*|sign[- ]?in|password)\b[^\n]{0,40}?\b(?:fail(?:ed|ure|s)?|invalid|incorrect|denied|rejected|unsuccessful)\b/i;
const SUCCESS_AUTH = /\b(?:accepted (?:password|publickey|keyboard-interactive)|successful(?:ly)? (?:login|logon|logged in|authenticated)|login (?:succeeded|successful)|logged in)\b/i;

const STOP_WORDS = new Set(['from', 'for', 'on', 'at', 'the', 'a', 'an', 'is', 'was', 'with', 'by', 'to', 'in', 'unknown', 'invalid']);

export function findIp(text: string): string | null {
  const v4 = IPV4.exec(text);
  if (v4) return v4[0];
  if (!text.includes(':')) return null;
  for (const [candidate] of text.matchAll(IPV6_CANDIDATE)) if (parseIp(candidate)?.version === 6) return candidate;
  return null;
}

export function splitUri(uri: string): { path: string; query: string } {
  const q = uri.indexOf('?');
  return q < 0 ? { path: uri, query: '' } : { path: uri.slice(0, q), query: uri.slice(q + 1) };
}

export function authOutcome(text: string): 'failure' | 'success' | null {
  if (FAILED_AUTH.test(text)) return 'failure';
  if (SUCCESS_AUTH.test(text)) return 'success';
  return null;
}

/** Adds what free text reveals to `fields` without overwriting what a format parser already set. */
export function extractFromText(text: string, fields: Record<string, unknown>): void {
  const set = (k: string, v: unknown): void => {
    if (fields[k] === undefined && v !== undefined && v !== null && v !== '') fields[k] = v;
  };
  if (text.includes('=')) {
    for (const [, key, value] of text.matchAll(KEY_VALUE)) {
      if (key === 'SRC') set('src_ip', value);
      else if (key === 'DST') set('dst_ip', value);
      else if (key === 'DPT') set('dst_port', Number(value));
      else if (key === 'SPT') set('src_port', Number(value));
      else if (key === 'PROTO') set('protocol', value);
    }
    const fw = /\[(UFW (?:BLOCK|ALLOW|AUDIT|LIMIT BLOCK))\]|\b(?:iptables|firewalld|nftables)[^\n]*?\b(DROP|REJECT|BLOCK)\b/i.exec(text);
    if (fw) set('firewall_action', (fw[1] ?? fw[2]).toUpperCase());
  }
  set('src_ip', findIp(text));
  const user = USER_PHRASE.exec(text);
  if (user && !STOP_WORDS.has(user[1].toLowerCase()) && !IPV4.test(user[1])) set('user', user[1]);
  const request = HTTP_REQUEST.exec(text);
  if (request) {
    set('method', request[1]);
    set('uri', request[2]);
    const { path, query } = splitUri(request[2]);
    set('path', path);
    set('query', query);
  }
  set('auth_result', authOutcome(text));
}
