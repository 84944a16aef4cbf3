import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError, badRequest, conflict } from '../../../lib/errors';
import type { EventBus } from '../../../events/bus';
import type { Clock } from '../../../lib/clock';
import { principalOf } from '../../../server/auth';
import type { App } from '../../../server/types';
import type { BackendsService } from './backends.service';
import type { LockInfo, LocksService } from './locks.service';
import { toLockInfo } from './locks.service';
import type { StateRepository } from './state.repository';
import { type StateStore, newFileRow } from './state-store';
import { TfStateError, parseTfState } from './tfstate/tfstate';
import type { AuditApi, AuditAction } from '../../audit/audit.api';
import type { Principal } from '../../../server/types';
import { STATE_ROUTE, assertMayForceUnlock } from './state-access';

const params = z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'must be 1-200 letters, digits, dots, dashes or underscores') });
const query = z.object({ ID: z.string().trim().max(200).optional() });
const lockInfoBody = z.object({
  ID: z.string().trim().min(1).max(200),
  Operation: z.string().max(200).default(''),
  Info: z.string().max(2000).default(''),
  Who: z.string().max(500).default(''),
  Version: z.string().max(100).default(''),
  Created: z.string().max(100).default(''),
  Path: z.string().max(1000).default(''),
});

/** Checks the body against `Content-MD5` (base64, as terraform sends it); a mismatch is a 400. */
function verifiedBody(body: unknown, header: string | string[] | undefined): string {
  const bytes = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body) : null;
  if (!bytes || bytes.length === 0) throw badRequest('Request body is empty');
  if (typeof header === 'string' && header !== '') {
    const actual = createHash('md5').update(bytes).digest('base64');
    if (actual !== header.trim()) throw badRequest('Content-MD5 does not match the body', { expected: header, actual });
  }
  return bytes.toString('utf8');
}

function parseLockInfo(text: string): LockInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError({ code: 'INVALID_JSON', message: 'Lock info is not valid JSON' });
  }
  const parsed = lockInfoBody.safeParse(raw);
  if (!parsed.success) throw badRequest('Lock info must be terraform\'s lock JSON with an ID', parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  return parsed.data;
}

/** Terraform reads the holder's lock info from the body of a 423 (or 409) answer. */
const locked = (reply: FastifyReply, holder: LockInfo) => reply.status(423).header('content-type', 'application/json').send(JSON.stringify(holder));

/**
 * Terraform's `http` backend protocol at /api/v1/terraform/state/:name, exactly as its client speaks it:
 * GET (200 state / 204 none), POST ?ID= with Content-MD5, DELETE, LOCK and UNLOCK with lock-info JSON.
 * Each organization's states live in its `http` backend (created on first use) and list like any other.
 */
export function terraformHttpRoutes(deps: {
  repo: StateRepository;
  store: StateStore;
  backends: BackendsService;
  locks: LocksService;
  bus: EventBus;
  clock: Clock;
  /** Terraform states of real estates are often larger than the API's default body limit. */
  bodyLimitBytes: number;
  audit: AuditApi;
}) {
  const { repo, store, backends, locks } = deps;
  const record = (principal: Principal, action: AuditAction, stateId: string | null, name: string, details: Record<string, unknown> = {}, outcome: 'success' | 'failure' | 'denied' = 'success') =>
    deps.audit.record({ organizationId: principal.organizationId, action, outcome, actor: principal, target: { type: 'state', id: stateId }, details: { via: 'terraform http backend', name, ...details } });

  async function fileFor(organizationId: string, name: string, create: boolean) {
    const backend = await backends.httpBackend(organizationId);
    const existing = await repo.findFile(backend.id, name);
    if (existing || !create) return existing ?? null;
    const now = deps.clock.now();
    return repo.ensureFile({ ...newFileRow(backend, name, now, now), latest_version: 0 });
  }

  return (app: App) => {
    for (const method of ['LOCK', 'UNLOCK']) if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });

    app.register(async (scope) => {
      const api = scope as unknown as App;
      // Terraform's bodies are checked byte for byte against Content-MD5, so they are read raw here.
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      const url = '/api/v1/terraform/state/:name';
      const routeOptions = { bodyLimit: deps.bodyLimitBytes, config: { access: 'user' as const, raw: true, ...STATE_ROUTE }, schema: { hide: true, params, querystring: query } };

      api.get(url, routeOptions, async (request, reply) => {
        const file = await fileFor(principalOf(request).organizationId, request.params.name, false);
        if (!file || !file.present || file.latest_version === 0) return reply.status(204).send();
        const version = await repo.getVersion(file.id, file.latest_version);
        if (!version) return reply.status(204).send();
        return reply
          .status(200)
          .header('content-type', 'application/json')
          .header('content-md5', createHash('md5').update(version.content, 'utf8').digest('base64'))
          .send(version.content);
      });

      api.post(url, routeOptions, async (request, reply) => {
        const principal = principalOf(request);
        const text = verifiedBody(request.body, request.headers['content-md5']);
        let state;
        try {
          state = parseTfState(text);
        } catch (error) {
          if (error instanceof TfStateError) throw badRequest(error.message);
          throw error;
        }
        const file = (await fileFor(principal.organizationId, request.params.name, true))!;
        const held = await locks.holderOf(file);
        if (held && held.lock_id !== request.query.ID) {
          await record(principal, 'state.written', file.id, request.params.name, { error: 'STATE_LOCKED' }, 'failure');
          return locked(reply, toLockInfo(held));
        }
        if (!held && request.query.ID) throw conflict(`State is not locked with ID ${request.query.ID} (it was unlocked, perhaps forcibly); lock it again`);
        const updated = await store.recordVersion(file, text, state, { action: 'written', userId: principal.userId, reason: 'terraform http backend' });
        deps.bus.publish('state.updated', principal.organizationId, {
          state_id: file.id,
          action: 'written',
          reason: 'terraform http backend',
          serial: state.serial,
          lineage: state.lineage,
          backend_id: file.backend_id,
          path: file.path,
        });
        await record(principal, 'state.written', file.id, request.params.name, { serial: state.serial, lineage: state.lineage });
        return reply.status(200).send({ state_id: updated.id, serial: state.serial });
      });

      api.delete(url, routeOptions, async (request, reply) => {
        const principal = principalOf(request);
        const file = await fileFor(principal.organizationId, request.params.name, false);
        if (!file || !file.present) return reply.status(200).send();
        const held = await locks.holderOf(file);
        if (held && held.lock_id !== request.query.ID) return locked(reply, toLockInfo(held));
        await repo.updateFile(file.id, { present: 0, updated_at: deps.clock.now() });
        deps.bus.publish('state.updated', principal.organizationId, { state_id: file.id, action: 'deleted', reason: 'terraform http backend', backend_id: file.backend_id, path: file.path });
        await record(principal, 'state.deleted', file.id, request.params.name);
        return reply.status(200).send();
      });

      api.route({
        method: 'LOCK',
        url,
        ...routeOptions,
        handler: async (request, reply) => {
          const principal = principalOf(request);
          const info = parseLockInfo(verifiedBody(request.body, request.headers['content-md5']));
          const file = (await fileFor(principal.organizationId, request.params.name, true))!;
          const result = await locks.acquire(principal, file, info);
          if (result.acquired) {
            await record(principal, 'state.locked', file.id, request.params.name, { lock_id: info.ID, operation: info.Operation, who: info.Who });
            return reply.status(200).header('content-type', 'application/json').send(JSON.stringify(result.lock));
          }
          // A retry of a LOCK that already succeeded (same ID) is not a conflict.
          if (result.holder.ID === info.ID) return reply.status(200).header('content-type', 'application/json').send(JSON.stringify(result.holder));
          return locked(reply, result.holder);
        },
      });

      api.route({
        method: 'UNLOCK',
        url,
        ...routeOptions,
        handler: async (request, reply) => {
          const principal = principalOf(request);
          const info = parseLockInfo(verifiedBody(request.body, request.headers['content-md5']));
          const file = await fileFor(principal.organizationId, request.params.name, false);
          if (!file) return reply.status(200).send();
          // Releasing someone else's lock (terraform force-unlock) follows the same rule as the REST force unlock.
          const held = await locks.holderOf(file);
          const forcing = Boolean(held && held.lock_id === info.ID && held.holder_user_id !== principal.userId);
          if (forcing) {
            try {
              assertMayForceUnlock(principal);
            } catch (error) {
              await record(principal, 'state.force_unlocked', file.id, request.params.name, { lock_id: info.ID }, 'denied');
              throw error;
            }
          }
          const result = await locks.unlockById(file, info.ID);
          if (!result.released && result.holder) return locked(reply, result.holder);
          if (held) await record(principal, forcing ? 'state.force_unlocked' : 'state.unlocked', file.id, request.params.name, { lock_id: info.ID });
          return reply.status(200).send();
        },
      });
    });
  };
}
