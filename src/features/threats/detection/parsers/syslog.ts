/** RFC 5424 and RFC 3164 (BSD) syslog headers, then the program-specific message parsers. */
import type { LogFormat } from '../types';
import { parsePamMessage, parseSshdMessage, parseSudoMessage, parseSuMessage } from './auth';

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const RFC5424 = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[.*?\])+)(?: (.*))?$/s;
const RFC3164 = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?(.*)$/s;
const ISO_SYSLOG = /^(?:<(\d{1,3})>)?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?(.*)$/s;

export interface SyslogParse { format: LogFormat; fields: Record<string, unknown> }

let cachedYear = { from: 0, to: -1, year: 1970 };
/** BSD syslog has no year; the receipt time gives it (cached: computing a calendar year per line is costly). */
function yearOf(now: number): number {
  if (now < cachedYear.from || now > cachedYear.to) {
    const year = new Date(now).getUTCFullYear();
    cachedYear = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) - 1, year };
  }
  return cachedYear.year;
}

function bsdTimestamp(month: string, day: string, time: string, now: number): number | undefined {
  const m = MONTHS[month.toLowerCase()];
  if (m === undefined) return undefined;
  const [hh, mm, ss] = time.split(':').map(Number);
  const year = yearOf(now);
  let ts = Date.UTC(year, m, Number(day), hh, mm, ss);
  if (ts > now + 86_400_000) ts = Date.UTC(year - 1, m, Number(day), hh, mm, ss); // December lines read in January
  return ts;
}

function classify(program: string, message: string, fields: Record<string, unknown>): LogFormat {
  const prog = program.toLowerCase();
  const pam = message.startsWith('pam_') ? parsePamMessage(message) : null;
  if (pam) {
    Object.assign(fields, pam);
    return 'pam';
  }
  if (prog === 'sshd' || prog.startsWith('sshd-')) {
    Object.assign(fields, parseSshdMessage(message));
    return 'sshd';
  }
  if (prog === 'sudo') {
    Object.assign(fields, parseSudoMessage(message));
    return 'sudo';
  }
  if (prog === 'su') Object.assign(fields, parseSuMessage(message));
  return 'syslog';
}

export function parseSyslog(line: string, now: number): SyslogParse | null {
  let m = RFC5424.exec(line);
  if (m) {
    const nil = (v: string): string | undefined => (v === '-' ? undefined : v);
    const pri = Number(m[1]);
    const message = (m[9] ?? '').replace(/^\uFEFF/, '');
    const fields: Record<string, unknown> = {
      facility: pri >> 3, syslog_severity: pri & 7, host: nil(m[4]), program: nil(m[5]) ?? '', pid: nil(m[6]),
      msgid: nil(m[7]), message, event_time: Date.parse(m[3]) || undefined,
    };
    return { format: classify(String(fields.program), message, fields), fields };
  }
  m = RFC3164.exec(line);
  if (m) {
    const fields: Record<string, unknown> = {
      host: m[5], program: m[6], pid: m[7], message: m[8], event_time: bsdTimestamp(m[2], m[3], m[4], now),
    };
    if (m[1]) Object.assign(fields, { facility: Number(m[1]) >> 3, syslog_severity: Number(m[1]) & 7 });
    return { format: classify(m[6], m[8], fields), fields };
  }
  m = ISO_SYSLOG.exec(line);
  if (m) {
    const fields: Record<string, unknown> = { host: m[3], program: m[4], pid: m[5], message: m[6], event_time: Date.parse(m[2]) || undefined };
    return { format: classify(m[4], m[6], fields), fields };
  }
  return null;
}
