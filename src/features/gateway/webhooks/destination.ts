/** Webhook URLs: their shape here; whether they may be reached is the outbound guard's (src/lib/net/outbound-guard.ts). */
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
