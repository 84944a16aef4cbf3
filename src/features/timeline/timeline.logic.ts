/**
 * Pure parts of a resource's timeline: which identifiers a resource goes by, the entry shape, ordering, and the
 * link from a threat or anomaly to a change of the same resource that came shortly before it.
 */
export const LINK_WINDOW_MS = 3_600_000;

export interface ResourceIdentity {
  id: string;
  providerId: string;
  type: string;
  name: string;
  addresses: string[];
  /** Every name the resource goes by: ids, names, addresses, IPs, hostnames, the Name tag. */
  identifiers: string[];
  ips: string[];
}

export interface TimelineEntry {
  engine: 'drift' | 'threat' | 'anomaly' | 'state';
  kind: string;
  severity: string | null;
  id: string;
  at: string;
  title: string;
  suppressed_by: string | null;
  /** For threats and anomalies: the change of this resource that came within the hour before. */
  related_change: { engine: string; id: string; kind: string; what: string; minutes_before: number; summary: string } | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const IP_KEYS = ['private_ip', 'public_ip', 'private_ip_address', 'public_ip_address', 'ipv6_address', 'ip_address'];
const HOST_KEYS = ['private_dns', 'public_dns', 'hostname', 'dns_name', 'endpoint', 'address', 'fqdn'];

export function identityOf(resource: { id: string; resource_id: string; type: string; name: string; tags: Record<string, string>; attributes: Record<string, unknown> }, addresses: string[]): ResourceIdentity {
  const ips = IP_KEYS.map((key) => text(resource.attributes[key])).filter((v): v is string => v !== null);
  const hosts = HOST_KEYS.map((key) => text(resource.attributes[key])).filter((v): v is string => v !== null);
  const identifiers = [resource.id, resource.resource_id, resource.name, resource.tags.Name ?? null, ...addresses, ...ips, ...hosts].filter((v): v is string => Boolean(v));
  return { id: resource.id, providerId: resource.resource_id, type: resource.type, name: resource.name, addresses, identifiers: [...new Set(identifiers)], ips: [...new Set(ips)] };
}

/** Newest first; ties by engine then id so the order is stable. */
export function sortEntries(entries: TimelineEntry[]): TimelineEntry[] {
  return [...entries].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.engine.localeCompare(b.engine) || a.id.localeCompare(b.id));
}

export interface Change {
  engine: string;
  id: string;
  kind: string;
  what: string;
  at: number;
}

/** Links threats and anomalies to the latest change (drift or state operation) in the hour before they started. */
export function linkChanges(entries: TimelineEntry[], changes: Change[]): TimelineEntry[] {
  return entries.map((entry) => {
    if (entry.engine !== 'threat' && entry.engine !== 'anomaly') return entry;
    const at = Date.parse(entry.at);
    let best: Change | null = null;
    for (const change of changes) {
      if (change.at <= at && at - change.at <= LINK_WINDOW_MS && (!best || change.at > best.at)) best = change;
    }
    if (!best) return entry;
    const minutes = Math.round((at - best.at) / 60_000);
    return {
      ...entry,
      related_change: { engine: best.engine, id: best.id, kind: best.kind, what: best.what, minutes_before: minutes, summary: `started ${minutes} min after ${best.what}` },
    };
  });
}
