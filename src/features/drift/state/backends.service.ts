import { performance } from 'node:perf_hooks';
import type { OutboundGuard } from '../../../lib/net/outbound-guard';
import type { Clock } from '../../../lib/clock';
import { toJson, fromJson, isoOrNull, toBool } from '../../../db/columns';
import { AppError, forbidden, notFound } from '../../../lib/errors';
import { newId } from '../../../lib/ids';
import type { Logger } from '../../../lib/logger';
import type { Config } from '../../../lib/config';
import type { SecretBox } from '../../../lib/secret-box';
import type { Principal } from '../../../server/types';
import { type BackendConfig, backendConfigByType, locatorOf, maskBackendConfig } from './backends/config';
import { BackendUnavailableError } from './backends/driver';
import type { DriverRegistry } from './backends/registry';
import type { BackendRow, StateRepository } from './state.repository';
import type { StateStore } from './state-store';
import { rootManages, serverSources } from './sources';

export interface DiscoverInput {
  providers?: string[];
  regions?: string[];
}

/** Backends an organization reads states from: configured by its admins, discovered, and its own `http` backend. */
export function createBackendsService(deps: {
  repo: StateRepository;
  store: StateStore;
  drivers: DriverRegistry;
  clock: Clock;
  logger: Logger;
  config: Config;
  defaultOrganizationId: () => Promise<string>;
  /** Backend configurations hold credentials: stored sealed. */
  secrets: SecretBox;
  /** User-configured endpoints (S3 endpoint, PostgreSQL host) pass the outbound guard. */
  guard?: Pick<OutboundGuard, 'assertUrl' | 'assertHost'>;
}) {
  const { repo, clock } = deps;
  const discoveredOnce = new Set<string>();

  function present(row: BackendRow) {
    const config = maskBackendConfig(row.type, fromJson<Record<string, unknown>>(deps.secrets.open(row.config), {}));
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      config,
      status: row.status,
      source: row.source,
      read_only: toBool(row.read_only),
      last_checked: isoOrNull(row.last_checked),
      last_error: row.last_error,
      created_at: new Date(Number(row.created_at)).toISOString(),
      updated_at: new Date(Number(row.updated_at)).toISOString(),
    };
  }

  async function store(organizationId: string, name: string, config: BackendConfig, source: string) {
    const now = clock.now();
    const readOnly = 'read_only' in config && config.read_only === true;
    return repo.ensureBackend({
      id: newId(),
      organization_id: organizationId,
      name,
      type: config.type,
      config: deps.secrets.seal(toJson(config)),
      locator: locatorOf(config),
      source,
      read_only: readOnly ? 1 : 0,
      status: source === 'discovered' ? 'discovered' : 'active',
      last_checked: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    });
  }

  /** The organization's `http` backend (Vigil's own terraform HTTP backend states), created on first use. */
  async function httpBackend(organizationId: string): Promise<BackendRow> {
    return (await store(organizationId, 'vigil-http', { type: 'http' }, 'builtin')).row;
  }

  async function requireBackend(organizationId: string, id: string) {
    const row = await repo.getBackend(organizationId, id);
    if (!row) throw notFound('Backend');
    return row;
  }

  async function discover(organizationId: string, input: DiscoverInput = {}) {
    const wanted = input.providers?.length ? new Set(input.providers) : null;
    const regions = input.regions?.length ? new Set(input.regions) : null;
    const found: BackendRow[] = [];
    const isDefault = organizationId === (await deps.defaultOrganizationId());
    const byProvider = new Map<string, string[]>();
    if (isDefault) {
      for (const source of serverSources(deps.config)) {
        // a root has no region: asked for regions, only regional sources (S3) answer
        const manages = wanted && !regions && source.config.type === 'local' ? [...wanted].filter((p) => rootManages((source.config as { path: string }).path, p)) : [];
        for (const provider of [source.provider, ...manages]) if (wanted?.has(provider as never)) byProvider.set(provider, [...(byProvider.get(provider) ?? []), source.name]);
        if (wanted && !wanted.has(source.provider) && !(source.provider === 'aws' && wanted.has('s3' as never)) && manages.length === 0) continue;
        if (regions && source.region && !regions.has(source.region)) continue;
        const checked = backendConfigByType[source.config.type].safeParse(source.config);
        if (!checked.success) {
          deps.logger.warn({ source: source.name }, 'skipped a misconfigured terraform state source');
          continue;
        }
        found.push((await store(organizationId, source.name, { type: source.config.type, ...checked.data } as BackendConfig, 'discovered')).row);
      }
    }
    if (!wanted || wanted.has('http')) found.push(await httpBackend(organizationId));
    await Promise.all(found.map((row) => deps.store.syncBackend(row)));
    discoveredOnce.add(organizationId);
    const fresh = await Promise.all(found.map((row) => repo.getBackend(organizationId, row.id)));
    const backends = fresh.filter((row): row is BackendRow => Boolean(row)).map(present);
    const providers = wanted ? [...wanted].map((provider) => providerReport(provider, byProvider.get(provider) ?? [], isDefault)) : undefined;
    return { discovered: backends.length, backends, ...(providers ? { providers } : {}) };
  }

  /** What discovery found for one requested provider, or why nothing. */
  function providerReport(provider: string, names: string[], isDefault: boolean) {
    if (provider === 'http') return { provider, found: 1, message: "http: the organization's built-in Terraform HTTP backend" };
    if (names.length > 0) {
      const what = ['aws', 'azure', 'gcp'].includes(provider) ? `whose states manage ${provider} resources` : '';
      return { provider, found: names.length, message: `${provider}: ${names.length} backend(s) ${what} (${names.join(', ')})`.replace('  ', ' ') };
    }
    if (!isDefault) return { provider, found: 0, message: `${provider}: the server's state sources belong to the default organization; register a backend with POST /api/v1/backends` };
    const reasons: Record<string, string> = {
      aws: 'aws: no state manages aws resources and no S3 state bucket is configured (VIGIL_TERRAFORM_S3_BUCKETS)',
      azure: 'azure: no credentials configured and no state manages azurerm resources',
      gcp: 'gcp: no credentials configured and no state manages google resources',
      local: 'local: no terraform root found (VIGIL_TERRAFORM_ROOTS)',
      pg: 'pg: no terraform pg backend configured (VIGIL_TERRAFORM_PG_URL)',
    };
    return { provider, found: 0, message: reasons[provider] ?? `${provider}: nothing found` };
  }

  /** First use in a process: the organization's sources are discovered once (idempotent), background jobs or not. */
  async function ensureDiscovered(organizationId: string) {
    if (!discoveredOnce.has(organizationId)) await discover(organizationId);
  }

  return {
    present,
    httpBackend,
    requireBackend,
    discover,
    ensureDiscovered,
    async list(organizationId: string) {
      await ensureDiscovered(organizationId);
      const rows = await repo.listBackends(organizationId);
      return { backends: rows.map(present), total: rows.length };
    },
    async get(organizationId: string, id: string) {
      return present(await requireBackend(organizationId, id));
    },
    async create(principal: Principal, input: { name: string; config: BackendConfig }) {
      if (input.config.type === 'local' && principal.organizationId !== (await deps.defaultOrganizationId())) {
        throw forbidden('local backends read the server\'s file system: only the default organization may configure them');
      }
      if (input.config.type === 'http') return present(await httpBackend(principal.organizationId));
      if (input.config.type === 's3' && input.config.endpoint) await deps.guard?.assertUrl(input.config.endpoint, 'body.config.endpoint');
      if (input.config.type === 'pg') await deps.guard?.assertHost(pgHost(input.config.conn_str), 'body.config.conn_str');
      const { row, created } = await store(principal.organizationId, input.name, input.config, 'configured');
      if (!created) throw new AppError({ code: 'RESOURCE_ALREADY_EXISTS', message: `Backend ${row.name} already points at this location`, details: { id: row.id } });
      await deps.store.syncBackend(row);
      return present((await repo.getBackend(principal.organizationId, row.id)) ?? row);
    },
    async remove(organizationId: string, id: string) {
      const row = await requireBackend(organizationId, id);
      if (row.source === 'builtin') throw new AppError({ code: 'CONFLICT', message: 'The organization\'s http backend holds terraform states and cannot be deleted' });
      await repo.deleteBackend(organizationId, id);
      await deps.drivers.forget(id);
      return { id, deleted: true };
    },
    async test(organizationId: string, id: string) {
      const row = await requireBackend(organizationId, id);
      const started = performance.now();
      let ok = true;
      let message: string;
      try {
        const driver = deps.drivers.get(row);
        message = driver ? await driver.test() : `Vigil database reachable (${await deps.store.syncBackend(row)} state(s))`;
      } catch (error) {
        ok = false;
        message = error instanceof BackendUnavailableError ? error.message : 'Connection failed';
        if (!(error instanceof BackendUnavailableError)) deps.logger.warn({ err: error, backend: id }, 'backend test failed');
      }
      const elapsed = performance.now() - started;
      const now = clock.now();
      await repo.setBackendStatus(row.id, { status: ok ? 'active' : 'error', last_checked: now, last_error: ok ? null : message, updated_at: row.updated_at });
      return {
        backend_id: row.id,
        status: (ok ? 'success' : 'failed') as 'success' | 'failed',
        message: ok ? `Connection successful: ${message}` : message,
        response_time: `${Math.max(0, Math.round(elapsed))}ms`,
        response_time_ms: Math.round(elapsed * 100) / 100,
        checked_at: new Date(now).toISOString(),
      };
    },
  };
}

export type BackendsService = ReturnType<typeof createBackendsService>;

/** The host a postgres:// URL connects to (a unix socket path or an empty host means the local server). */
function pgHost(connStr: string): string {
  try {
    const url = new URL(connStr);
    // libpq and node-postgres let ?host= override the authority's host.
    const host = (url.searchParams.get('host') ?? url.hostname).replace(/^\[|\]$/g, '');
    return host && !host.startsWith('/') ? host : '127.0.0.1';
  } catch {
    return '127.0.0.1';
  }
}
