import { describe, expect, it } from 'vitest';
import { parseSyslogHeader } from './header';

describe('syslog header', () => {
  it('RFC 5424: host, severity as level, timestamp', () => {
    expect(parseSyslogHeader('<38>1 2026-12-05T02:30:00.5+00:00 web-1 sshd 42 - - Failed password')).toEqual({ host: 'web-1', level: 'info', timestamp: Date.parse('2026-12-05T02:30:00.5Z') });
    expect(parseSyslogHeader('<11>1 - - app - - - x')).toEqual({ host: null, level: 'error', timestamp: null });
  });
  it('RFC 3164: host and severity; no year, so no timestamp of its own', () => {
    expect(parseSyslogHeader('<86>Dec  5 02:30:00 bastion sshd[7]: Accepted')).toEqual({ host: 'bastion', level: 'info', timestamp: null });
    expect(parseSyslogHeader('<12>Dec 15 02:30:00 fw1 kernel: drop')).toMatchObject({ host: 'fw1', level: 'warn' });
  });
  it('no recognisable header: level from PRI when there is one', () => {
    expect(parseSyslogHeader('<10>oops')).toEqual({ host: null, level: 'crit', timestamp: null });
    expect(parseSyslogHeader('plain text')).toEqual({ host: null, level: null, timestamp: null });
  });
});
