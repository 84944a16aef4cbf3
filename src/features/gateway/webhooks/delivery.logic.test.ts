import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, retryDelayMs } from './backoff';
import { parseDestination } from './destination';
import { classifyAddress } from '../../../lib/net/outbound-guard';
import { sign, signingKey } from './signing';

describe('retryDelayMs (exponential backoff, full jitter)', () => {
  it('draws uniformly below a ceiling that doubles per attempt', () => {
    expect(retryDelayMs(1, () => 0.999_999)).toBe(Math.floor(0.999_999 * BACKOFF_BASE_MS));
    expect(retryDelayMs(3, () => 0.5)).toBe(2 * BACKOFF_BASE_MS);
    expect(retryDelayMs(5, () => 0.25)).toBe(4 * BACKOFF_BASE_MS);
  });
  it('never waits less than a second nor more than the cap', () => {
    expect(retryDelayMs(1, () => 0)).toBe(1_000);
    expect(retryDelayMs(40, () => 0.999_999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
  });
  it('spreads twelve attempts over hours', () => {
    let ceilingSum = 0;
    for (let attempt = 1; attempt < 12; attempt++) ceilingSum += retryDelayMs(attempt, () => 0.999_999);
    expect(ceilingSum).toBeGreaterThan(5 * 3_600_000);
  });
});

describe('classifyAddress (the outbound guard; more in src/lib/net/outbound-guard.test.ts)', () => {
  it.each(['127.0.0.1', '10.0.0.8', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])(
    '%s is private',
    (address) => expect(classifyAddress(address)).not.toBe('public'),
  );
  it.each(['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => expect(classifyAddress(address)).toBe('public'));
});

describe('parseDestination', () => {
  it('accepts http(s) URLs only', () => {
    expect('url' in parseDestination('https://example.com/hook')).toBe(true);
    expect(parseDestination('ftp://example.com')).toEqual({ reason: 'must use http or https' });
    expect(parseDestination('nope')).toEqual({ reason: 'is not a valid URL' });
  });
});

describe('signing', () => {
  it('keys whsec_ secrets with their base64-decoded bytes and others with their UTF-8 bytes', () => {
    expect(signingKey('whsec_AAEC')).toEqual(Buffer.from([0, 1, 2]));
    expect(signingKey('plain-secret')).toEqual(Buffer.from('plain-secret'));
  });
  it('signs "id.timestamp.body" with HMAC-SHA256 and prefixes the base64 digest with v1,', () => {
    const key = Buffer.from('our own test key, 32 bytes long!');
    const secret = `whsec_${key.toString('base64')}`;
    const body = '{"event":"x","data":{}}';
    const expected = createHmac('sha256', key).update(`delivery-1.1700000000.${body}`).digest('base64');
    expect(sign(secret, 'delivery-1', 1_700_000_000, body)).toBe(`v1,${expected}`);
  });
});
