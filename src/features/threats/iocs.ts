import net from 'node:net';

export interface Iocs {
  ips: string[];
  domains: string[];
  hashes: string[];
}

const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g;
const IPV6_CANDIDATE = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi;
const HASH = /(?<![0-9a-f])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-f])/gi;
const DOMAIN = /(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])/gi;
/** Endings that look like a TLD but, in logs, are file names (index.php, app.js). */
const FILE_ENDINGS = new Set([
  'php', 'html', 'htm', 'js', 'css', 'txt', 'log', 'jsp', 'asp', 'aspx', 'cgi', 'png', 'jpg', 'jpeg', 'gif', 'svg', 'ico',
  'json', 'xml', 'sh', 'py', 'pl', 'rb', 'conf', 'ini', 'bak', 'sql', 'zip', 'gz', 'tar', 'tgz', 'env', 'yml', 'yaml',
  'md', 'pdf', 'exe', 'dll', 'so', 'war', 'jar', 'old', 'swp', 'db', 'git', 'htaccess', 'passwd', 'shadow', 'service',
]);

/** Indicators of compromise found in the raw log and the detection evidence: IP addresses, domain names, hashes. */
export function extractIocs(texts: string[]): Iocs {
  const ips = new Set<string>();
  const domains = new Set<string>();
  const hashes = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(IPV4)) ips.add(match[0]);
    for (const match of text.matchAll(IPV6_CANDIDATE)) if (net.isIPv6(match[0])) ips.add(match[0].toLowerCase());
    for (const match of text.matchAll(HASH)) hashes.add(match[0].toLowerCase());
    for (const match of text.matchAll(DOMAIN)) {
      const domain = match[0].toLowerCase();
      const tld = domain.slice(domain.lastIndexOf('.') + 1);
      if (!FILE_ENDINGS.has(tld)) domains.add(domain);
    }
  }
  return { ips: [...ips], domains: [...domains], hashes: [...hashes] };
}
