/** Messages of sshd, sudo, PAM and su (the part after `program[pid]: `). */
const IP = String.raw`([0-9a-fA-F:.]+)`;
const SSHD_PATTERNS: [RegExp, (m: RegExpExecArray) => Record<string, unknown>][] = [
  [new RegExp(String.raw`^Failed (\S+) for (invalid user )?(.*?) from ${IP} port (\d+)`),
    (m) => ({ auth_method: m[1], invalid_user: Boolean(m[2]), user: m[3], src_ip: m[4], src_port: Number(m[5]), auth_result: 'failure', event: 'failed_login' })],
  [new RegExp(String.raw`^Invalid user (.*?) from ${IP}(?: port (\d+))?`),
    (m) => ({ user: m[1], src_ip: m[2], src_port: m[3] ? Number(m[3]) : undefined, invalid_user: true, auth_result: 'failure', event: 'invalid_user' })],
  [new RegExp(String.raw`^Accepted (\S+) for (\S+) from ${IP} port (\d+)`),
    (m) => ({ auth_method: m[1], user: m[2], src_ip: m[3], src_port: Number(m[4]), auth_result: 'success', event: 'accepted_login' })],
  [new RegExp(String.raw`^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(\S+) from ${IP}`),
    (m) => ({ invalid_user: Boolean(m[1]), user: m[2], src_ip: m[3], auth_result: 'failure', event: 'max_attempts' })],
  [new RegExp(String.raw`^(?:Connection closed|Disconnected) by (?:(authenticating|invalid) user (\S+) )?${IP} port (\d+)`),
    (m) => ({ user: m[2], src_ip: m[3], src_port: Number(m[4]), event: m[1] ? 'preauth_disconnect' : 'disconnect' })],
  [new RegExp(String.raw`^Did not receive identification string from ${IP}`), (m) => ({ src_ip: m[1], event: 'no_identification' })],
];

export function parseSshdMessage(message: string): Record<string, unknown> {
  for (const [re, build] of SSHD_PATTERNS) {
    const m = re.exec(message);
    if (m) return build(m);
  }
  return {};
}

/** `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root` */
export function parsePamMessage(message: string): Record<string, unknown> | null {
  const m = /^(pam_\w+)\(([^:)]+):(\w+)\):\s*(.*)$/.exec(message);
  if (!m) return null;
  const fields: Record<string, unknown> = { pam_module: m[1], pam_service: m[2], pam_type: m[3] };
  const rest = m[4];
  for (const [, k, v] of rest.matchAll(/\b(logname|uid|euid|tty|ruser|rhost|user)=(\S*)/g)) {
    if (v) fields[k === 'rhost' ? 'src_ip' : k] = v;
  }
  if (/authentication failure/i.test(rest)) {
    fields.auth_result = 'failure';
    fields.event = 'auth_failure';
  }
  const opened = /session (opened|closed) for user (\S+?)(?:\(uid=\d+\))?(?: by (\S*?)(?:\(uid=\d+\))?)?$/.exec(rest);
  if (opened) {
    fields.event = `session_${opened[1]}`;
    fields.target_user = opened[2];
    if (opened[3]) fields.user = opened[3];
    else fields.user ??= opened[2];
  }
  return fields;
}

/** `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash` and the failure variants. */
export function parseSudoMessage(message: string): Record<string, unknown> {
  const m = /^\s*(\S+)\s*:\s*(.*)$/.exec(message);
  if (!m) return {};
  const fields: Record<string, unknown> = { user: m[1] };
  for (const part of m[2].split(' ; ')) {
    const kv = /^(TTY|PWD|USER|COMMAND)=(.*)$/.exec(part.trim());
    if (kv) fields[kv[1] === 'USER' ? 'target_user' : kv[1].toLowerCase()] = kv[2];
    else if (/incorrect password attempt/.test(part)) {
      fields.auth_result = 'failure';
      fields.event = 'sudo_failure';
      const count = /(\d+) incorrect/.exec(part);
      if (count) fields.attempts = Number(count[1]);
    } else if (/NOT in sudoers|not allowed to run sudo|command not allowed/i.test(part)) {
      fields.auth_result = 'failure';
      fields.event = 'sudo_denied';
    }
  }
  if (fields.command !== undefined && fields.event === undefined) fields.event = 'sudo_command';
  return fields;
}

/** `(to root) alice on pts/0`, `FAILED SU (to root) alice on pts/0`, `pam_authenticate: Authentication failure` */
export function parseSuMessage(message: string): Record<string, unknown> {
  const m = /^(FAILED SU )?\(to (\S+)\) (\S+) on (\S+)/.exec(message);
  if (m) return { target_user: m[2], user: m[3], tty: m[4], event: m[1] ? 'su_failure' : 'su', auth_result: m[1] ? 'failure' : 'success' };
  if (/authentication failure/i.test(message)) return { auth_result: 'failure', event: 'su_failure' };
  return {};
}
