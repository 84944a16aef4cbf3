/** CIDR membership for IPv4 and IPv6, parsed once per rule value. */
function ipv4ToBigInt(ip: string): bigint | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function ipv6ToBigInt(ip: string): bigint | null {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const v4tail = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4tail) {
    const v4 = ipv4ToBigInt(v4tail[1]);
    if (v4 === null) return null;
    text = `${text.slice(0, -v4tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseIp(ip: string): { version: 4 | 6; value: bigint } | null {
  const v4 = ipv4ToBigInt(ip);
  if (v4 !== null) return { version: 4, value: v4 };
  if (!ip.includes(':')) return null;
  const v6 = ipv6ToBigInt(ip);
  return v6 === null ? null : { version: 6, value: v6 };
}

/** Returns a membership test, or null when the text is not a CIDR block. */
export function compileCidr(cidr: string): ((ip: string) => boolean) | null {
  const [address, prefixText] = cidr.split('/');
  const network = parseIp(address);
  if (!network) return null;
  const width = network.version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return null;
  const shift = BigInt(width - prefix);
  const base = network.value >> shift;
  return (ip) => {
    const parsed = parseIp(ip);
    return parsed !== null && parsed.version === network.version && parsed.value >> shift === base;
  };
}
