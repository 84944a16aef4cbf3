/**
 * Web-attack analysis of request parts (path, each query/body parameter value, selected headers): every value
 * is decoded, then judged by the four grammar detectors. One verdict per class, the most confident kept.
 */
import { detectCmdi } from './cmdi';
import { decodeValue, queryValues } from './decode';
import { detectSqli } from './sqli';
import { detectTraversal } from './traversal';
import { detectXss } from './xss';

export type WebAttackClass = 'sql_injection' | 'xss' | 'path_traversal' | 'command_injection';

export interface WebAttackFinding {
  threatType: WebAttackClass;
  rule: string;
  confidence: number;
  location: string;
  fragment: string;
}

export const WEB_ATTACK_MITRE: Record<WebAttackClass, string[]> = {
  sql_injection: ['T1190'],
  xss: ['T1189', 'T1059.007'],
  path_traversal: ['T1190', 'T1083'],
  command_injection: ['T1190', 'T1059.004'],
};

// Anything plain alphanumeric cannot carry an injection; skipping it keeps benign traffic cheap.
const INERT = /^[\w@]+(?:\.[\w@]+)*$/;

// Browser and bot user agents use slashes, parentheses and semicolons-free text; injections need these.
const UA_SIGNAL = /['"<>|`$\\{]|;\s*(?:[a-z]+\s+-|\/)/i;
// Ordinary paths (word characters, single dots and slashes) cannot carry any of the four attacks.
const PLAIN_PATH = /^(?:\/[\w~-]+(?:\.[\w~-]+)*)*\/?$/;

/** Judges one already-decoded value. */
export function analyzeValue(value: string, location = 'value'): WebAttackFinding[] {
  if (value.length < 2 || INERT.test(value)) return [];
  const findings: WebAttackFinding[] = [];
  const sqli = detectSqli(value);
  if (sqli) findings.push({ threatType: 'sql_injection', rule: `sqli.${sqli.rule}`, confidence: sqli.confidence, location, fragment: `${sqli.context}:${sqli.fingerprint}` });
  const xss = detectXss(value);
  if (xss) findings.push({ threatType: 'xss', rule: `xss.${xss.rule}`, confidence: xss.confidence, location, fragment: xss.fragment });
  const traversal = detectTraversal(value);
  if (traversal) findings.push({ threatType: 'path_traversal', rule: `traversal.${traversal.rule}`, confidence: traversal.confidence, location, fragment: traversal.fragment });
  const cmdi = detectCmdi(value);
  if (cmdi) findings.push({ threatType: 'command_injection', rule: `cmdi.${cmdi.rule}`, confidence: cmdi.confidence, location, fragment: cmdi.fragment });
  return findings;
}

/** Decodes a raw (possibly percent-encoded) parameter value and judges it. */
export function analyzeRawValue(raw: string, location = 'value'): WebAttackFinding[] {
  return analyzeValue(decodeValue(raw), location);
}

export interface RequestParts { path?: string; query?: string; body?: string; userAgent?: string; referer?: string }

export function analyzeRequest(parts: RequestParts): WebAttackFinding[] {
  const best = new Map<WebAttackClass, WebAttackFinding>();
  const keep = (findings: WebAttackFinding[]): void => {
    for (const f of findings) {
      const current = best.get(f.threatType);
      if (!current || f.confidence > current.confidence) best.set(f.threatType, f);
    }
  };
  if (parts.path && !PLAIN_PATH.test(parts.path)) {
    const decoded = decodeValue(parts.path, false);
    // In a path, traversal and injected markup matter; SQL grammar on path segments mostly sees slugs.
    for (const f of analyzeValue(decoded, 'path')) if (f.threatType !== 'sql_injection' || f.confidence >= 0.9) keep([f]);
  }
  if (parts.query) {
    let i = 0;
    for (const raw of queryValues(parts.query)) keep(analyzeRawValue(raw, `query[${i++}]`));
  }
  if (parts.body) {
    const body = parts.body;
    const values = body.includes('=') && !/^\s*[{[]/.test(body) ? queryValues(body) : [body];
    for (const raw of values) keep(analyzeRawValue(raw, 'body'));
  }
  if (parts.userAgent && UA_SIGNAL.test(parts.userAgent)) keep(analyzeValue(parts.userAgent, 'user_agent').filter((f) => f.threatType !== 'path_traversal'));
  if (parts.referer) keep(analyzeRawValue(parts.referer, 'referer').filter((f) => f.threatType === 'xss' || f.threatType === 'sql_injection'));
  return [...best.values()];
}
