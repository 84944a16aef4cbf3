import { describe, expect, it } from 'vitest';
import { extractIocs } from './iocs';

describe('extractIocs', () => {
  it('finds IPv4/IPv6 addresses, domains and md5/sha1/sha256 hashes', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const iocs = extractIocs([
      `GET /dl?u=http://evil.example.com/x.sh from 203.0.113.7 and 2001:db8::1 md5=${md5} sha1=${sha1}`,
      `sha256:${sha256.toUpperCase()} again 203.0.113.7`,
    ]);
    expect(iocs.ips).toEqual(['203.0.113.7', '2001:db8::1']);
    expect(iocs.domains).toEqual(['evil.example.com']);
    expect(iocs.hashes).toEqual([md5, sha1, sha256]);
  });

  it('does not take file names, versions or out-of-range octets for indicators', () => {
    const iocs = extractIocs(['GET /index.php /app.js version 1.2.3.4.5 999.1.1.1 time 10:30:00 user@mail.example.org']);
    expect(iocs.domains).toEqual([]);
    expect(iocs.ips).toEqual([]);
    expect(iocs.hashes).toEqual([]);
  });
});
