/** Deterministic generator of a realistic mixed log: web access (mostly benign), auth, sudo, firewall, JSON, text. */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['/', '/index.html', '/products', '/products/42', '/cart', '/checkout', '/api/v1/items', '/search', '/static/app.js',
  '/static/site.css', '/images/logo.png', '/blog/2024/01/hello-world', '/account/settings', '/login', '/favicon.ico', '/docs/v1.2/intro'];
const QUERIES = ['', '', '', 'page=2', 'q=red+shoes&sort=price', 'id=1042', "name=O%27Brien", 'email=a.b%40example.com', 'range=1-2&price=%2419.99',
  'utm_source=news&utm_campaign=spring', 'plan=select+a+plan', 'lang=es&city=sant+mart%C3%AD'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'curl/8.4.0', 'Googlebot/2.1 (+http://www.google.com/bot.html)'];
const ATTACKS = ["id=1%27%20OR%20%271%27%3D%271", 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'file=..%2F..%2F..%2Fetc%2Fpasswd',
  'host=127.0.0.1%3Bcat%20%2Fetc%2Fpasswd', 'id=1%20UNION%20ALL%20SELECT%20NULL%2CNULL--', 'next=javascript:alert(document.cookie)'];
const USERS = ['root', 'admin', 'deploy', 'alice', 'bob', 'ubuntu', 'postgres', 'oracle', 'test', 'git'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function generateLog(count: number, seed = 42): { lines: string[]; times: number[] } {
  const rnd = createRandom(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)];
  const ip = (): string => `${pick([203, 198, 192, 10, 172])}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
  const lines: string[] = [];
  const times: number[] = [];
  let t = Date.parse('2024-01-15T00:00:00Z');
  let burstIp = ip();
  let burstLeft = 0;
  while (lines.length < count) {
    t += Math.floor(rnd() * 20);
    const d = new Date(t);
    const syslogTime = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    const clf = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    const r = rnd();
    let line: string;
    if (burstLeft > 0) {
      burstLeft--;
      line = `${syslogTime} bastion sshd[${1000 + Math.floor(rnd() * 9000)}]: Failed password for ${pick(USERS)} from ${burstIp} port ${30000 + Math.floor(rnd() * 30000)} ssh2`;
    } else if (r < 0.5) {
      const attack = rnd() < 0.04;
      const path = pick(PATHS);
      const query = attack ? pick(ATTACKS) : pick(QUERIES);
      const status = attack ? pick([200, 403, 500]) : rnd() < 0.05 ? 404 : 200;
      line = `${ip()} - - [${clf}] "${pick(['GET', 'GET', 'GET', 'POST'])} ${path}${query ? `?${query}` : ''} HTTP/1.1" ${status} ${Math.floor(rnd() * 50000)} "-" "${rnd() < 0.01 ? 'sqlmap/1.7.2' : pick(AGENTS)}"`;
    } else if (r < 0.68) {
      const who = pick(USERS);
      const kind = rnd();
      if (kind < 0.02) { burstIp = ip(); burstLeft = 8; }
      line = kind < 0.6
        ? `${syslogTime} bastion sshd[${1000 + Math.floor(rnd() * 9000)}]: Accepted publickey for ${who} from ${ip()} port ${30000 + Math.floor(rnd() * 30000)} ssh2`
        : kind < 0.85
          ? `${syslogTime} bastion sshd[${1000 + Math.floor(rnd() * 9000)}]: Failed password for ${who} from ${ip()} port ${30000 + Math.floor(rnd() * 30000)} ssh2`
          : `${syslogTime} bastion sshd[${1000 + Math.floor(rnd() * 9000)}]: Connection closed by ${ip()} port ${30000 + Math.floor(rnd() * 30000)} [preauth]`;
    } else if (r < 0.78) {
      const who = pick(USERS);
      line = rnd() < 0.7
        ? `${syslogTime} web1 sudo:    ${who} : TTY=pts/${Math.floor(rnd() * 4)} ; PWD=/home/${who} ; USER=root ; COMMAND=${pick(['/usr/bin/apt update', '/bin/systemctl restart nginx', '/bin/bash', '/usr/bin/tail -f /var/log/syslog'])}`
        : `${syslogTime} web1 CRON[${Math.floor(rnd() * 90000)}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
    } else if (r < 0.84) {
      line = `${syslogTime} fw kernel: [${(t / 1000).toFixed(3)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=${ip()} DST=10.0.0.1 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=${1024 + Math.floor(rnd() * 60000)} DPT=${pick([22, 23, 80, 443, 3389, 8080, 5900])} WINDOW=1024 RES=0x00 SYN URGP=0`;
    } else if (r < 0.94) {
      line = JSON.stringify({ time: d.toISOString(), level: pick(['info', 'info', 'warn', 'error']), service: pick(['billing', 'auth', 'search']),
        msg: pick(['request completed', 'cache miss', 'login failed', 'payment accepted', 'slow query 1200ms']), user: pick(USERS), ip: ip(), duration_ms: Math.floor(rnd() * 900) });
    } else {
      line = pick([`Failed login attempt from ${ip()}`, `Backup job finished: 1.2 GB in 42 s`, `Disk usage on /var at 81%`, `User ${pick(USERS)} logged in successfully from ${ip()}`, `Health check OK (12 ms)`]);
    }
    lines.push(line);
    times.push(t);
  }
  return { lines, times };
}
