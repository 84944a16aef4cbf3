/**
 * parseLogLine: tries the structured formats from most to least specific, falls back to free text, and then
 * always runs free-text extraction so every format gets src_ip / user / auth_result when the text has them.
 */
import type { LogContext, LogFormat, ParsedLog } from '../types';
import { extractFromText } from './freetext';
import { parseSyslog } from './syslog';
import { parseAccessLine, parseApacheError, parseNginxError } from './web';

const METADATA_FIELDS: Record<string, string> = {
  ip: 'src_ip', src_ip: 'src_ip', source_ip: 'src_ip', client_ip: 'src_ip', remote_addr: 'src_ip',
  user: 'user', username: 'user', host: 'host', hostname: 'host', attempts: 'attempts',
  method: 'method', path: 'path', status: 'status', user_agent: 'user_agent', body: 'body',
};

function webFormat(base: 'access' | 'error', source: string | null | undefined, fallback: 'nginx' | 'apache'): LogFormat {
  const s = (source ?? '').toLowerCase();
  const server = s.includes('apache') || s.includes('httpd') ? 'apache' : s.includes('nginx') ? 'nginx' : fallback;
  return `${server}_${base}` as LogFormat;
}

function parseJson(line: string): Record<string, unknown> | null {
  if (line[0] !== '{' || line[line.length - 1] !== '}') return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function normalizeJson(obj: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...obj };
  const pick = (target: string, keys: string[]): void => {
    if (fields[target] !== undefined) return;
    for (const k of keys) if (obj[k] !== undefined && obj[k] !== null && typeof obj[k] !== 'object') { fields[target] = obj[k]; return; }
  };
  pick('src_ip', ['ip', 'client_ip', 'remote_addr', 'source_ip', 'sourceIp', 'clientip', 'c-ip']);
  pick('user', ['username', 'user_name', 'userName', 'account']);
  pick('user_agent', ['http_user_agent', 'userAgent', 'ua', 'agent']);
  pick('uri', ['url', 'request_uri', 'uri', 'request']);
  pick('message', ['msg', 'log', 'text', 'event']);
  pick('status', ['status_code', 'statusCode', 'response_code']);
  if (typeof fields.uri === 'string' && fields.path === undefined) {
    const uri = String(fields.uri).replace(/^\S+ (\S+)(?: HTTP\/[\d.]+)?$/, '$1');
    const q = uri.indexOf('?');
    fields.path = q < 0 ? uri : uri.slice(0, q);
    fields.query ??= q < 0 ? '' : uri.slice(q + 1);
  }
  return fields;
}

export function parseLogLine(rawLine: string, ctx?: Pick<LogContext, 'source' | 'metadata' | 'timestamp'>): ParsedLog {
  const line = rawLine.replace(/\r?\n$/, '');
  const now = ctx?.timestamp ?? Date.now();
  let format: LogFormat = 'text';
  let fields: Record<string, unknown> = {};
  const first = line[0];
  const json = first === '{' ? parseJson(line) : null;
  if (json) {
    format = 'json';
    fields = normalizeJson(json);
  } else {
    const access = parseAccessLine(line);
    if (access) {
      format = webFormat('access', ctx?.source, 'nginx');
      fields = access;
    } else if (first === '[' && (fields = parseApacheError(line) ?? {}).message !== undefined) {
      format = webFormat('error', ctx?.source, 'apache');
    } else if (/^\d{4}\//.test(line) && (fields = parseNginxError(line) ?? {}).message !== undefined) {
      format = webFormat('error', ctx?.source, 'nginx');
    } else {
      const syslog = parseSyslog(line, now);
      if (syslog) ({ format, fields } = syslog);
      else fields = { message: line };
    }
  }
  // Structured formats already hold their fields; free-text extraction is for what no parser understood.
  const structured = format === 'nginx_access' || format === 'apache_access'
    || ((format === 'sshd' || format === 'sudo' || format === 'pam') && (fields.auth_result !== undefined || fields.event !== undefined));
  if (!structured) extractFromText(format === 'json' && typeof fields.message === 'string' ? fields.message : line, fields);
  const metadata = ctx?.metadata;
  if (metadata) {
    for (const [key, target] of Object.entries(METADATA_FIELDS)) {
      const value = metadata[key];
      if (value !== undefined && value !== null && typeof value !== 'object' && fields[target] === undefined) fields[target] = value;
    }
  }
  if (ctx?.source && fields.source === undefined) fields.source = ctx.source;
  // Copy instead of `delete`: deleting keys turns the object into a slow dictionary for every later read.
  const clean: Record<string, unknown> = {};
  for (const key in fields) if (fields[key] !== undefined) clean[key] = fields[key];
  return { format, fields: clean, message: line };
}
