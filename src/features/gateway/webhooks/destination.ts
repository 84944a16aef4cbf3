import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';

/** Loopback, private, link-local, carrier-grade NAT, multicast and reserved ranges (IPv4 and IPv6). */
const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Parses a webhook URL: http(s) only, with a host. Returns a reason when it is not acceptable. */
export function parseDestination(raw: string): { url: URL } | { reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { reason: 'must use http or https' };
  if (!url.hostname) return { reason: 'must have a host' };
  return { url };
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Resolves the host and refuses private destinations (the SSRF guard when private destinations are not allowed). */
export async function privateDestinationReason(url: URL): Promise<string | null> {
  const host = hostOf(url);
  if (net.isIP(host)) return isPrivateAddress(host) ? `resolves to a private or loopback address (${host})` : null;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch {
    return 'host does not resolve';
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? `resolves to a private or loopback address (${bad.address})` : null;
}

/**
 * A lookup for http.request that refuses private addresses at connection time, so a DNS answer that changes
 * between the check and the connection (rebinding) cannot reach an internal service.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0) {
      return callback(Object.assign(new Error(`destination ${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};
