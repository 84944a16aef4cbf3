import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { AppError } from '../errors';

/**
 * The one guard for every outbound request a user can aim (webhooks, alert channels, the email relay, state
 * backends). The operator, not organizations, decides with VIGIL_OUTBOUND_ALLOW (CIDRs and host names):
 * - public addresses and loopback are allowed (a receiver on the same host works out of the box);
 * - private ranges (RFC 1918, CGNAT, ULA, ...) only when a listed CIDR covers them or the host name is listed;
 * - link-local and cloud metadata addresses only when listed explicitly (a CIDR inside those ranges, or the name);
 * - unspecified, multicast and reserved addresses never.
 * Checked when a destination is created (400) and again at connection time on every resolved address, so a DNS
 * answer that changes in between (rebinding) is refused too. Redirects are never followed.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'forbidden';

const ranges: [AddressClass, string, number, 'ipv4' | 'ipv6'][] = [
  ['forbidden', '0.0.0.0', 8, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['link_local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.0.0.0', 24, 'ipv4'],
  ['private', '192.0.2.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '198.18.0.0', 15, 'ipv4'],
  ['private', '198.51.100.0', 24, 'ipv4'],
  ['private', '203.0.113.0', 24, 'ipv4'],
  ['forbidden', '224.0.0.0', 3, 'ipv4'],
  ['forbidden', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  // AWS's IPv6 instance metadata endpoint sits inside the ULA range: checked before it.
  ['link_local', 'fd00:ec2::', 64, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link_local', 'fe80::', 10, 'ipv6'],
  ['forbidden', 'ff00::', 8, 'ipv6'],
  ['private', '2001:db8::', 32, 'ipv6'],
];
const lists = new Map<AddressClass, net.BlockList>();
for (const [cls, address, prefix, family] of ranges) {
  if (!lists.has(cls)) lists.set(cls, new net.BlockList());
  lists.get(cls)!.addSubnet(address, prefix, family);
}
const ORDER: AddressClass[] = ['forbidden', 'loopback', 'link_local', 'private'];

/** An IPv4 address carried inside an IPv6 one (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96), else null. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return null;
}

export function classifyAddress(address: string): AddressClass {
  const family = net.isIP(address);
  if (family === 0) return 'forbidden';
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return classifyAddress(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const cls of ORDER) if (lists.get(cls)!.check(address, type)) return cls;
  return 'public';
}

interface AllowEntry {
  kind: 'cidr' | 'host';
  text: string;
  list?: net.BlockList;
  /** Class of the network address: a CIDR inside link-local space counts as an explicit listing of it. */
  networkClass?: AddressClass;
}

/** Parses VIGIL_OUTBOUND_ALLOW; throws on an entry that is neither a CIDR/address nor a host name. */
export function parseAllowList(raw: string): AllowEntry[] {
  const entries: AllowEntry[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [address, prefixText] = part.split('/') as [string, string | undefined];
    const family = net.isIP(address);
    if (family) {
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`VIGIL_OUTBOUND_ALLOW: bad prefix in ${part}`);
      const list = new net.BlockList();
      list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
      entries.push({ kind: 'cidr', text: part, list, networkClass: classifyAddress(address) });
    } else if (/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(part) && prefixText === undefined) {
      entries.push({ kind: 'host', text: part.toLowerCase() });
    } else {
      throw new Error(`VIGIL_OUTBOUND_ALLOW: ${part} is neither a CIDR nor a host name`);
    }
  }
  return entries;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export const REFUSED = 'refused';

export function createOutboundGuard(options: { allow?: string; resolve?: Resolver } = {}) {
  const entries = parseAllowList(options.allow ?? '');
  const resolve = options.resolve ?? systemResolver;

  const hostListed = (hostname: string) => {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return entries.some((e) => e.kind === 'host' && (e.text === host || (e.text.startsWith('*.') && host.endsWith(e.text.slice(1)))));
  };
  const cidrListed = (address: string, explicitOnly: boolean) => {
    const v4 = net.isIP(address) === 6 ? embeddedIpv4(address) : null;
    const target = v4 ?? address;
    const type = net.isIP(target) === 4 ? 'ipv4' : 'ipv6';
    return entries.some((e) => e.kind === 'cidr' && e.list!.check(target, type) && (!explicitOnly || e.networkClass === 'link_local'));
  };

  /** May a connection to `address` (resolved from `hostname`, when there was one) go ahead? */
  function allows(address: string, hostname?: string): boolean {
    const cls = classifyAddress(address);
    if (cls === 'forbidden') return false;
    if (cls === 'public' || cls === 'loopback') return true;
    if (hostname && net.isIP(hostname) === 0 && hostListed(hostname)) return true;
    return cidrListed(address, cls === 'link_local');
  }

  /** The addresses a host name resolves to, all of which must be allowed; a reason when not. */
  async function refusal(url: URL): Promise<string | null> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) return allows(host) ? null : `${host} is not an allowed destination (${classifyAddress(host)} address; see VIGIL_OUTBOUND_ALLOW)`;
    if (hostListed(host)) return null;
    let addresses: { address: string }[];
    try {
      addresses = await resolve(host);
    } catch {
      // Not resolvable now (offline, split DNS): accepted; the connection-time check decides when it is used.
      return null;
    }
    const bad = addresses.find((a) => !allows(a.address, host));
    return bad ? `${host} resolves to ${bad.address}, not an allowed destination (${classifyAddress(bad.address)} address; see VIGIL_OUTBOUND_ALLOW)` : null;
  }

  /**
   * For http.request / agents / sockets: resolves and refuses disallowed addresses at connection time. The
   * refusal carries only `refused` so that a delivery log cannot be used to map an internal network.
   */
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (list) => {
        const usable = list.filter((a) => allows(a.address, hostname));
        if (usable.length === 0 || usable.length !== list.length) {
          return callback(Object.assign(new Error(REFUSED), { code: 'EREFUSED_BY_GUARD' }), '', 0);
        }
        const wanted = (lookupOptions as { family?: number | string }).family;
        const family = wanted === 6 || wanted === 'IPv6' ? 6 : wanted === 4 || wanted === 'IPv4' ? 4 : 0;
        const matching = family ? usable.filter((a) => a.family === family) : usable;
        if (matching.length === 0) return callback(Object.assign(new Error(REFUSED), { code: 'EREFUSED_BY_GUARD' }), '', 0);
        if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof matching) => void)(null, matching);
        callback(null, matching[0]!.address, matching[0]!.family);
      },
      (error: Error) => callback(Object.assign(error, { code: (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND' }), '', 0),
    );
  };

  return {
    allows,
    lookup,
    /** Creation-time check of a URL (http/https only): 400 DESTINATION_NOT_ALLOWED with the reason. */
    async assertUrl(raw: string, field: string): Promise<URL> {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw notAllowed(field, 'is not a valid URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notAllowed(field, 'must use http or https');
      const reason = await refusal(url);
      if (reason) throw notAllowed(field, reason);
      return url;
    },
    /** Creation-time check of a bare host (database servers and the like). */
    async assertHost(host: string, field: string): Promise<void> {
      const reason = await refusal(new URL(`tcp://${net.isIP(host) === 6 ? `[${host}]` : host}`));
      if (reason) throw notAllowed(field, reason);
    },
    /** Connection-time check of a literal address (lookup is not called for those). */
    literalRefused(hostname: string): boolean {
      const host = hostname.replace(/^\[|\]$/g, '');
      return net.isIP(host) !== 0 && !allows(host);
    },
  };
}

function notAllowed(field: string, reason: string) {
  return new AppError({ code: 'DESTINATION_NOT_ALLOWED', message: `${field.replace(/^body\./, '')} is not an allowed destination: ${reason}`, details: [{ field, message: reason }] });
}

export type OutboundGuard = ReturnType<typeof createOutboundGuard>;
