import { describe, expect, it } from 'vitest';
import { postJson } from '../../features/gateway/webhooks/sender';
import { classifyAddress, createOutboundGuard, parseAllowList } from './outbound-guard';

/** A resolver answering from a table (no DNS traffic); a name may answer differently on each call. */
function stubResolver(table: Record<string, string[][] | string[]>) {
  const calls = new Map<string, number>();
  return async (host: string) => {
    const entry = table[host];
    if (!entry) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    const n = calls.get(host) ?? 0;
    calls.set(host, n + 1);
    const answers = (Array.isArray(entry[0]) ? (entry as string[][])[Math.min(n, entry.length - 1)]! : (entry as string[]));
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fd00:ec2::254', 'link_local'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['0.0.0.0', 'forbidden'],
    ['::', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['not-an-address', 'forbidden'],
  ])('%s is %s', (address, cls) => expect(classifyAddress(address)).toBe(cls));
});

describe('the outbound guard policy', () => {
  it('by default allows public and loopback, refuses private, link-local and metadata', () => {
    const guard = createOutboundGuard();
    for (const ok of ['8.8.8.8', '127.0.0.1', '::1']) expect(guard.allows(ok), ok).toBe(true);
    for (const no of ['10.0.0.1', '192.168.0.10', '169.254.169.254', 'fd00:ec2::254', '::ffff:10.0.0.1', '0.0.0.0']) expect(guard.allows(no), no).toBe(false);
  });

  it('opens private ranges only as far as the listed CIDRs and host names reach', () => {
    const guard = createOutboundGuard({ allow: '10.0.0.0/8, hooks.internal' });
    expect(guard.allows('10.20.30.40')).toBe(true);
    expect(guard.allows('192.168.1.1')).toBe(false);
    expect(guard.allows('192.168.1.1', 'hooks.internal')).toBe(true);
    expect(guard.allows('192.168.1.1', 'other.internal')).toBe(false);
  });

  it('never opens link-local or metadata addresses through a broad range, only when listed explicitly', () => {
    expect(createOutboundGuard({ allow: '0.0.0.0/0,::/0' }).allows('169.254.169.254')).toBe(false);
    expect(createOutboundGuard({ allow: '0.0.0.0/0,::/0' }).allows('fd00:ec2::254')).toBe(false);
    expect(createOutboundGuard({ allow: '169.254.169.254/32' }).allows('169.254.169.254')).toBe(true);
    expect(createOutboundGuard({ allow: 'fd00:ec2::254' }).allows('fd00:ec2::254')).toBe(true);
  });

  it('refuses a malformed allow list at start-up', () => {
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseAllowList('http://x')).toThrow(/neither/);
  });
});

describe('creation-time checks (400 DESTINATION_NOT_ALLOWED)', () => {
  const guard = createOutboundGuard({ resolve: stubResolver({ 'public.test': ['93.184.216.34'], 'inside.test': ['10.0.0.5'], 'mixed.test': ['93.184.216.34', '169.254.169.254'] }) });

  it('accepts public names and literals, refuses literals and names that land inside', async () => {
    await expect(guard.assertUrl('https://public.test/hook', 'body.url')).resolves.toBeInstanceOf(URL);
    await expect(guard.assertUrl('http://127.0.0.1:9000/hook', 'body.url')).resolves.toBeInstanceOf(URL);
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/', 'http://inside.test/', 'http://mixed.test/']) {
      await expect(guard.assertUrl(url, 'body.url'), url).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED', status: 400 });
    }
    await expect(guard.assertUrl('ftp://public.test/', 'body.url')).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });
  });
});

describe('connection-time checks', () => {
  it('a name that rebinds to an internal address after the creation check is refused when connecting', async () => {
    const guard = createOutboundGuard({ resolve: stubResolver({ 'rebind.test': [['93.184.216.34'], ['169.254.169.254']] }) });
    await expect(guard.assertUrl('http://rebind.test/hook', 'body.url')).resolves.toBeInstanceOf(URL);
    const result = await postJson({ url: 'http://rebind.test/hook', body: '{}', headers: {}, timeoutMs: 2_000, guard });
    // Only "refused": no status code, no timing, no address for the delivery log.
    expect(result).toEqual({ statusCode: null, error: 'refused', durationMs: 0 });
  });

  it('a private literal is refused before any socket is opened', async () => {
    const guard = createOutboundGuard();
    expect(await postJson({ url: 'http://10.0.0.1:9/', body: '{}', headers: {}, timeoutMs: 2_000, guard })).toEqual({ statusCode: null, error: 'refused', durationMs: 0 });
    expect(await postJson({ url: 'http://[::ffff:169.254.169.254]/', body: '{}', headers: {}, timeoutMs: 2_000, guard })).toEqual({ statusCode: null, error: 'refused', durationMs: 0 });
  });

  it('the lookup answers only allowed addresses, honouring the requested family', async () => {
    const guard = createOutboundGuard({ resolve: stubResolver({ 'dual.test': ['93.184.216.34', '2606:4700::1'] }) });
    const answer = await new Promise<unknown>((resolve, reject) => guard.lookup('dual.test', { family: 6 }, (error, address) => (error ? reject(error) : resolve(address))));
    expect(answer).toBe('2606:4700::1');
  });
});
