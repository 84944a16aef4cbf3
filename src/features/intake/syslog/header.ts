/**
 * What the intake needs from a syslog frame's header, RFC 5424 (`<PRI>1 TIMESTAMP HOST ...`) or RFC 3164
 * (`<PRI>Mmm dd hh:mm:ss HOST TAG: ...`): the host as the event's source, the severity as its level, the time.
 * The threat pipeline parses the whole frame again, as `POST /api/v1/detect` would.
 */
const SEVERITIES = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];
const RFC5424 = /^<(\d{1,3})>\d{1,2} (\S+) (\S+) /;
const RFC3164 = /^<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) /;
const PRI_ONLY = /^<(\d{1,3})>/;

export interface SyslogHeader {
  host: string | null;
  level: string | null;
  timestamp: number | null;
}

const level = (pri: string) => {
  const n = Number(pri);
  return n <= 191 ? SEVERITIES[n & 7]! : null;
};

export function parseSyslogHeader(frame: string): SyslogHeader {
  let m = RFC5424.exec(frame);
  if (m) {
    const time = m[2] === '-' ? NaN : Date.parse(m[2]!);
    return { host: m[3] === '-' ? null : m[3]!, level: level(m[1]!), timestamp: Number.isNaN(time) ? null : time };
  }
  m = RFC3164.exec(frame);
  // RFC 3164 carries no year nor zone: the receipt time is used (the threat parser reads the header itself).
  if (m) return { host: m[3]!.replace(/:$/, '') || null, level: level(m[1]!), timestamp: null };
  m = PRI_ONLY.exec(frame);
  return { host: null, level: m ? level(m[1]!) : null, timestamp: null };
}
