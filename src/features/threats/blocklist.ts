import net from 'node:net';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { AppError, badRequest, notFound } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { App, Principal } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import type { BlocklistRow, ThreatsOpsRepository } from './threats-ops.repository';

export interface BlockInput {
  ip: string;
  reason: string;
  durationMs: number | null;
  threatId?: string | null;
  playbookId?: string | null;
  createdBy: string;
}

/** "::ffff:1.2.3.4" (IPv4 seen through an IPv6 socket) and "1.2.3.4" are the same client. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  return trimmed.startsWith('::ffff:') && net.isIPv4(trimmed.slice(7)) ? trimmed.slice(7) : trimmed;
}

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.');

/**
 * Vigil's own IP blocklist. Rows are per organization with an optional expiry. An address quarantined by the
 * default organization is refused server-wide; one quarantined by another organization is refused for requests
 * authenticated into that organization. The active entries live in memory (reloaded on every change, on all
 * instances through the `blocklist.changed` event) so the edge hook costs one map lookup.
 */
export function createBlocklist(deps: {
  repo: ThreatsOpsRepository;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  defaultOrganizationId: () => Promise<string>;
  audit?: AuditApi;
}) {
  const { repo, bus, clock } = deps;
  let entries = new Map<string, { organizationId: string; expiresAt: number | null }[]>();
  let defaultOrg: string | null = null;

  async function reload() {
    const rows = await repo.activeBlocks(clock.now());
    const next = new Map<string, { organizationId: string; expiresAt: number | null }[]>();
    for (const row of rows) {
      const list = next.get(row.ip) ?? [];
      list.push({ organizationId: row.organization_id, expiresAt: row.expires_at === null ? null : Number(row.expires_at) });
      next.set(row.ip, list);
    }
    entries = next;
    defaultOrg ??= await deps.defaultOrganizationId();
  }

  function blockedFor(ip: string, organizationId: string | null): boolean {
    if (entries.size === 0) return false;
    const list = entries.get(normalizeIp(ip));
    if (!list) return false;
    const now = clock.now();
    return list.some(
      (entry) => (entry.expiresAt === null || entry.expiresAt > now) && (entry.organizationId === defaultOrg || entry.organizationId === organizationId),
    );
  }

  bus.subscribe(['blocklist.changed'], () => reload().catch((error) => deps.logger.error({ err: error }, 'blocklist: reload failed')), {
    scope: 'cluster',
  });

  function toPublic(row: BlocklistRow) {
    const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
    return {
      ip: row.ip,
      reason: row.reason,
      threat_id: row.threat_id,
      playbook_id: row.playbook_id,
      created_by: row.created_by,
      created_at: iso(row.created_at)!,
      expires_at: iso(row.expires_at),
    };
  }

  return {
    reload,
    blockedFor,
    async add(organizationId: string, input: BlockInput) {
      const ip = normalizeIp(input.ip);
      if (net.isIP(ip) === 0) throw badRequest(`'${input.ip}' is not an IP address`);
      if (isLoopback(ip)) throw badRequest(`Refusing to quarantine the loopback address ${ip} (it would lock out local administration)`);
      const now = clock.now();
      const row: BlocklistRow = {
        organization_id: organizationId,
        ip,
        reason: input.reason.slice(0, 500),
        threat_id: input.threatId ?? null,
        playbook_id: input.playbookId ?? null,
        created_by: input.createdBy,
        created_at: now,
        expires_at: input.durationMs === null ? null : now + input.durationMs,
      };
      await repo.upsertBlock(row);
      await reload();
      bus.publish('blocklist.changed', organizationId, { ip, action: 'added' });
      await deps.audit?.record({ organizationId, action: 'blocklist.changed', actor: { userId: null, username: input.createdBy }, target: { type: 'ip', id: ip }, details: { change: 'added', reason: row.reason, playbook_id: row.playbook_id, expires_at: row.expires_at } });
      return toPublic(row);
    },
    async remove(organizationId: string, rawIp: string, actor?: Principal) {
      const ip = normalizeIp(rawIp);
      if (!(await repo.deleteBlock(organizationId, ip))) throw notFound(`Blocklist entry ${ip}`);
      await reload();
      bus.publish('blocklist.changed', organizationId, { ip, action: 'removed' });
      await deps.audit?.record({ organizationId, action: 'blocklist.changed', actor: actor ?? null, target: { type: 'ip', id: ip }, details: { change: 'removed' } });
      return { ip, released: true };
    },
    async list(organizationId: string) {
      return (await repo.blocksOf(organizationId, clock.now())).map(toPublic);
    },
    /** Edge guard: runs after authentication resolved the principal, before any route. */
    hook(app: App) {
      app.addHook('onRequest', async (request) => {
        if (entries.size === 0) return;
        if (blockedFor(request.ip, request.principal?.organizationId ?? null)) {
          throw new AppError({ code: 'IP_BLOCKED', message: 'Requests from this IP address are blocked (quarantined by a threat playbook)' });
        }
      });
    },
  };
}

export type Blocklist = ReturnType<typeof createBlocklist>;
