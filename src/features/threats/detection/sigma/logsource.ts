/**
 * How Sigma's vocabulary maps onto ours: `logsource` -> the parser formats a rule applies to, Sigma/Web
 * taxonomy field names -> our normalized fields, tags -> ATT&CK ids, level -> severity, tags -> threat class.
 */
import type { LogFormat, Severity } from '../types';

const AUTH_FAMILY: LogFormat[] = ['syslog', 'sshd', 'sudo', 'pam', 'text'];
const WEB_ACCESS: LogFormat[] = ['nginx_access', 'apache_access'];

const LINUX_SERVICES: Record<string, LogFormat[]> = {
  sshd: ['sshd', 'text'],
  auth: ['sshd', 'sudo', 'pam', 'syslog', 'text'],
  sudo: ['sudo'],
  pam: ['pam'],
  syslog: AUTH_FAMILY,
  cron: ['syslog'],
  vsftpd: ['syslog'],
  clamav: ['syslog'],
  guacamole: ['syslog'],
  su: ['syslog', 'pam'],
};

/** Categories produced by agents (auditd, EDR) that no line parser of ours yields. */
const NO_PARSER = new Set(['process_creation', 'file_event', 'network_connection', 'file_change', 'file_create',
  'file_delete', 'process_access', 'image_load', 'registry_event', 'dns_query', 'create_remote_thread']);

export function formatsForLogsource(logsource: Record<string, string>): LogFormat[] {
  const product = logsource.product?.toLowerCase();
  const service = logsource.service?.toLowerCase();
  const category = logsource.category?.toLowerCase();
  if (category && NO_PARSER.has(category)) return [];
  if (category === 'webserver' || category === 'proxy') {
    if (service === 'nginx' || product === 'nginx') return ['nginx_access'];
    if (service === 'apache' || product === 'apache') return ['apache_access'];
    return [...WEB_ACCESS];
  }
  if (service === 'nginx' || product === 'nginx') return ['nginx_access', 'nginx_error'];
  if (service === 'apache' || product === 'apache') return ['apache_access', 'apache_error'];
  if (category === 'firewall') return ['syslog', 'text'];
  if (product === 'linux') {
    if (!service) return category ? [] : AUTH_FAMILY;
    if (service === 'auditd') return [];
    return LINUX_SERVICES[service] ?? [];
  }
  if (!product && !service && !category) return ['syslog', 'sshd', 'sudo', 'pam', 'text', 'json', ...WEB_ACCESS];
  return [];
}

/** Sigma field name -> our normalized field names, tried after the name itself. */
const FIELD_ALIASES: Record<string, string[]> = {
  'c-uri': ['uri'], 'cs-uri': ['uri'], 'c-uri-query': ['query'], 'cs-uri-query': ['uri'], 'cs-uri-stem': ['path'],
  'c-uri-stem': ['path'], 'c-uri-extension': ['extension'], 'cs-method': ['method'], 'sc-status': ['status'],
  'c-useragent': ['user_agent'], 'cs-user-agent': ['user_agent'], 'cs(user-agent)': ['user_agent'],
  'c-ip': ['src_ip'], 'clientip': ['src_ip'], 'src_ip': ['src_ip'], 'sourceip': ['src_ip'], 'ipaddress': ['src_ip'],
  'cs-host': ['host'], 'r-dns': ['host'], 'cs-referer': ['referer'], 'cs-referrer': ['referer'], 'cs(referer)': ['referer'],
  'sc-bytes': ['bytes'], 'cs-bytes': ['bytes'], 'cs-version': ['protocol'], 'dst_port': ['dst_port'],
  'user': ['user'], 'username': ['user'], 'targetusername': ['user'], 'subjectusername': ['user'],
  'hostname': ['host'], 'computer': ['host'], 'program': ['program'], 'processname': ['program'],
  'commandline': ['command'], 'message': ['message'], 'msg': ['message'],
};

export function fieldCandidates(field: string): string[] {
  const aliases = FIELD_ALIASES[field.toLowerCase()] ?? [];
  return [field, ...aliases.filter((a) => a !== field)];
}

export function mitreFromTags(tags: string[]): string[] {
  const ids = new Set<string>();
  for (const tag of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag);
    if (m) ids.add(m[1].toUpperCase());
  }
  return [...ids];
}

export function severityFromLevel(level: string): Severity {
  switch (level.toLowerCase()) {
    case 'critical': return 'critical';
    case 'high': return 'high';
    case 'medium': return 'medium';
    default: return 'low';
  }
}

const THREAT_BY_TECHNIQUE: [string, string][] = [
  ['T1110.001', 'brute_force_attack'], ['T1110.003', 'password_spraying'], ['T1110', 'brute_force_attack'],
  ['T1190', 'web_attack'], ['T1059', 'command_injection'], ['T1548', 'privilege_escalation'],
  ['T1068', 'privilege_escalation'], ['T1046', 'port_scan'], ['T1595', 'reconnaissance'], ['T1083', 'path_traversal'],
  ['T1078', 'valid_account_abuse'], ['T1505.003', 'web_shell'], ['T1070', 'defense_evasion'],
];

export function threatTypeFromTags(mitre: string[]): string {
  for (const [technique, threat] of THREAT_BY_TECHNIQUE) {
    if (mitre.some((id) => id === technique || id.startsWith(`${technique}.`))) return threat;
  }
  return 'suspicious_activity';
}
