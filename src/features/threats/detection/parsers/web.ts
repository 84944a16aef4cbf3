/** Access logs (combined / common format, optional leading vhost) and nginx / Apache error logs. */
import { splitUri } from './freetext';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const TIME = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;
const STATUS_BYTES = /^ (\d{3}|-) (\d+|-)/;
const NGINX_ERROR = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d) \[(\w+)\] (\d+)#(\d+): (?:\*\d+ )?(.*)$/s;
const APACHE_ERROR = /^\[([^\]]+)\] \[(?:(\w+):)?(\w+)\](?: \[pid (\d+)(?::tid \d+)?\])?(?: \[client ([^\]]+)\])? (.*)$/s;

/** Reads a quoted field starting at `i` (which holds the opening quote); returns [text, index after the quote]. */
function readQuoted(line: string, i: number): [string, number] | null {
  if (line[i] !== '"') return null;
  let j = i + 1;
  while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
  return j < line.length ? [line.slice(i + 1, j), j + 1] : null;
}

/** Hand-written rather than one big regex: access logs are the bulk of traffic and this runs on every line. */
export function parseAccessLine(line: string): Record<string, unknown> | null {
  const open = line.indexOf(' [');
  if (open < 0 || open > 300) return null;
  const close = line.indexOf('] "', open);
  if (close !== open + 28) return null; // [dd/Mon/yyyy:hh:mm:ss +zzzz] is always 26 characters + brackets
  const head = line.slice(0, open).split(' ');
  if (head.length !== 3 && head.length !== 4) return null;
  const [vhost, ip, ident, user] = head.length === 4 ? head : [undefined, ...head];
  const m = TIME.exec(line.slice(open + 2, close));
  if (!m) return null;
  const [, dd, mon, yyyy, hh, mi, ss, zone] = m;
  const month = MONTHS[mon];
  if (month === undefined) return null;
  const request = readQuoted(line, close + 2);
  if (!request) return null;
  const tail = STATUS_BYTES.exec(line.slice(request[1]));
  if (!tail) return null;
  const [statusBytes, status, bytes] = tail;
  let referer: string | undefined;
  let agent: string | undefined;
  let pos = request[1] + statusBytes.length;
  if (line[pos] === ' ') {
    const ref = readQuoted(line, pos + 1);
    if (ref) {
      referer = ref[0];
      pos = ref[1];
      if (line[pos] === ' ') agent = readQuoted(line, pos + 1)?.[0];
    }
  }
  const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) * (zone[0] === '-' ? -1 : 1);
  const fields: Record<string, unknown> = {
    src_ip: ip,
    ident: ident === '-' ? undefined : ident,
    user: user === '-' ? undefined : user,
    event_time: Date.UTC(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Number(ss)) - offset * 60_000,
    request: request[0],
    status: status === '-' ? undefined : Number(status),
    bytes: bytes === '-' ? 0 : Number(bytes),
    referer: referer === undefined || referer === '-' ? undefined : referer,
    user_agent: agent === undefined || agent === '-' ? undefined : agent,
    vhost,
  };
  const req = /^(\S+) (\S+)(?: (HTTP\/[\d.]+))?$/.exec(request[0]);
  if (req) {
    fields.method = req[1];
    fields.uri = req[2];
    fields.protocol = req[3];
    const { path, query } = splitUri(req[2]);
    fields.path = path;
    fields.query = query;
  }
  return fields;
}

export function parseNginxError(line: string): Record<string, unknown> | null {
  const m = NGINX_ERROR.exec(line);
  if (!m) return null;
  const [, y, mo, d, time, level, pid, , rest] = m;
  const fields: Record<string, unknown> = { event_time: Date.parse(`${y}-${mo}-${d}T${time}Z`), level, pid, message: rest };
  const client = /, client: ([^,\s]+)/.exec(rest);
  if (client) fields.src_ip = client[1];
  const server = /, server: ([^,\s]*)/.exec(rest);
  if (server) fields.host = server[1];
  const request = /, request: "(\S+) (\S+)(?: HTTP\/[\d.]+)?"/.exec(rest);
  if (request) {
    fields.method = request[1];
    fields.uri = request[2];
    Object.assign(fields, splitUri(request[2]));
  }
  return fields;
}

export function parseApacheError(line: string): Record<string, unknown> | null {
  const m = APACHE_ERROR.exec(line);
  if (!m) return null;
  const [, when, module, level, pid, client, rest] = m;
  if (!/\d{4}$/.test(when.trim()) && !/\d\d:\d\d:\d\d/.test(when)) return null;
  const fields: Record<string, unknown> = { level, module, pid, message: rest, event_time: Date.parse(when.replace(/\.\d+/, '')) || undefined };
  if (client) fields.src_ip = client.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const code = /^(AH\d{5}):/.exec(rest);
  if (code) fields.error_code = code[1];
  return fields;
}
