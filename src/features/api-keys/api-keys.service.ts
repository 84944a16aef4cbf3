import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { AppError, forbidden, notFound } from '../../lib/errors';
import type { AuditApi } from '../audit/audit.api';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { Permission, Principal } from '../../server/types';
import type { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';

const KEY_PREFIX = 'sk_live_';
const CACHE_MS = 30_000;

export interface CreateApiKeyInput {
  name: string;
  expires_at?: string | null;
  permissions?: Permission[];
}

function toPublicKey(row: ApiKeyRow) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    permissions: JSON.parse(row.permissions) as Permission[],
    created_at: iso(row.created_at)!,
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}

/**
 * API keys: `sk_live_` + 32 random bytes, stored as SHA-256 (the key has full entropy, so a slow hash adds
 * nothing) with a short visible prefix. Verified keys are cached briefly; revocation clears the cache on every
 * instance through the bus. `last_used_at` is collected in memory and written in batches.
 */
const invalid = () => new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Invalid, revoked or expired API key' });

export function createApiKeysService(deps: {
  repo: ApiKeysRepository;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  flushMs: number;
  background: boolean;
  audit: AuditApi;
}) {
  const { repo, bus, clock } = deps;
  const cache = new Map<string, { row: ApiKeyRow; at: number }>();
  const pendingUse = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;

  async function flushUsage() {
    if (pendingUse.size === 0) return;
    const entries = [...pendingUse.entries()];
    pendingUse.clear();
    try {
      await repo.touchMany(entries);
    } catch (error) {
      deps.logger.warn({ err: error }, 'api keys: could not record last_used_at; will retry');
      for (const [id, at] of entries) if (!pendingUse.has(id)) pendingUse.set(id, at);
    }
  }

  function forget(id: string) {
    for (const [hash, entry] of cache) if (entry.row.id === id) cache.delete(hash);
  }

  bus.subscribe(['api_key.revoked'], (event) => forget(String(event.data.api_key_id)), { scope: 'cluster' });

  return {
    async create(principal: Principal, input: CreateApiKeyInput) {
      const expiresAt = input.expires_at ? Date.parse(input.expires_at) : null;
      if (expiresAt !== null && expiresAt <= clock.now()) {
        throw new AppError({ code: 'VALIDATION_ERROR', message: 'expires_at must be in the future', details: [{ field: 'body.expires_at', message: 'must be in the future' }] });
      }
      const key = `${KEY_PREFIX}${randomToken(32)}`;
      // A viewer is read-only everywhere, including through the keys it creates.
      const requested = input.permissions ?? (principal.role === 'viewer' ? ['read'] : ['read', 'write']);
      if (principal.role === 'viewer' && requested.some((p) => p !== 'read')) throw forbidden('A viewer may only create read-only API keys');
      const permissions = [...new Set(requested)].sort() as Permission[];
      const row: ApiKeyRow = {
        id: newId(),
        organization_id: principal.organizationId,
        user_id: principal.userId,
        name: input.name,
        prefix: key.slice(0, KEY_PREFIX.length + 6),
        key_hash: sha256Hex(key),
        permissions: JSON.stringify(permissions),
        expires_at: expiresAt,
        last_used_at: null,
        revoked_at: null,
        created_at: clock.now(),
      };
      await repo.insert(row);
      bus.publish('api_key.created', principal.organizationId, { api_key_id: row.id, user_id: principal.userId, name: row.name });
      await deps.audit.record({ organizationId: principal.organizationId, action: 'api_key.created', actor: principal, target: { type: 'api_key', id: row.id }, details: { name: row.name, permissions } });
      return { ...toPublicKey(row), key };
    },

    async list(principal: Principal, page: number, size: number) {
      const { items, total } = await repo.listOwned(principal.userId, page, size);
      return { items: items.map(toPublicKey), total, page, size };
    },

    async get(principal: Principal, id: string) {
      const row = await repo.findOwned(principal.userId, id);
      if (!row) throw notFound('API key');
      return toPublicKey(row);
    },

    async revoke(principal: Principal, id: string) {
      const row = await repo.findOwned(principal.userId, id);
      if (!row || row.revoked_at !== null) throw notFound('API key');
      await repo.revoke(id, clock.now());
      forget(id);
      bus.publish('api_key.revoked', principal.organizationId, { api_key_id: id, user_id: principal.userId });
      await deps.audit.record({ organizationId: principal.organizationId, action: 'api_key.revoked', actor: principal, target: { type: 'api_key', id }, details: { name: row.name } });
      return { id, revoked: true };
    },

    /** Resolves a presented key to its row, or throws 401 for unknown, revoked or expired keys. */
    async verify(key: string): Promise<ApiKeyRow> {
      if (!key.startsWith(KEY_PREFIX) || key.length > 200) throw invalid();
      const hash = sha256Hex(key);
      const now = clock.now();
      let entry = cache.get(hash);
      if (!entry || now - entry.at > CACHE_MS) {
        const row = await repo.findByHash(hash);
        if (!row) throw invalid();
        entry = { row, at: now };
        cache.set(hash, entry);
      }
      const { row } = entry;
      if (row.revoked_at !== null) throw invalid();
      if (row.expires_at !== null && row.expires_at <= now) {
        throw new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'API key has expired' });
      }
      pendingUse.set(row.id, now);
      return row;
    },

    flushUsage,
    start() {
      if (!deps.background) return;
      timer = setInterval(() => void flushUsage(), deps.flushMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await flushUsage();
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
