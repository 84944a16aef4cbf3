import { z } from 'zod';
import { principalOf } from '../../../server/auth';
import { errorResponse, withMessage } from '../../../server/envelope';
import type { App } from '../../../server/types';
import type { StateService } from './state.service';
import type { AuditApi, AuditAction } from '../../audit/audit.api';
import type { Principal } from '../../../server/types';
import { STATE_ROUTE } from './state-access';
import { idParams, importBody, lockBody, lockInfo, moveBody, rollbackBody, stateIdQuery, stateListQuery, stateSummary, unlockBody } from './state.schemas';

const tags = ['drift: state'];
const writer = STATE_ROUTE;
const anyObject = z.record(z.string(), z.unknown());

export function stateRoutes(deps: { state: StateService; audit: AuditApi }) {
  const { state } = deps;
  /** Runs a state operation and records it on the audit trail (failures too). */
  async function audited<T>(principal: Principal, action: AuditAction, stateId: string | undefined, details: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      await deps.audit.record({ organizationId: principal.organizationId, action, actor: principal, target: { type: 'state', id: stateId ?? null }, details: { via: 'rest', ...details } });
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'INSUFFICIENT_PERMISSIONS' || code === 'STATE_LOCKED' || code === 'CONFLICT') {
        await deps.audit.record({ organizationId: principal.organizationId, action, outcome: code === 'INSUFFICIENT_PERMISSIONS' ? 'denied' : 'failure', actor: principal, target: { type: 'state', id: stateId ?? null }, details: { via: 'rest', error: code, ...details } });
      }
      throw error;
    }
  }
  return (app: App) => {
    app.get(
      '/api/v1/state/list',
      {
        config: STATE_ROUTE,
        schema: {
          tags,
          summary: 'State files of every backend (or one)',
          querystring: stateListQuery,
          response: { 200: z.object({ state_files: z.array(stateSummary), total: z.number(), limit: z.number(), offset: z.number() }) },
        },
      },
      async (request) => state.list(principalOf(request).organizationId, request.query),
    );
    app.get(
      '/api/v1/state/details',
      { config: STATE_ROUTE, schema: { tags, summary: 'A parsed state: resources x instances, outputs, serial, lineage', querystring: stateIdQuery, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => state.details(principalOf(request).organizationId, request.query.state_id),
    );
    app.get(
      '/api/v1/state/history',
      { config: STATE_ROUTE, schema: { tags, summary: 'Every version Vigil has kept of a state, newest first', querystring: stateIdQuery, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => state.history(principalOf(request).organizationId, request.query.state_id),
    );
    app.post(
      '/api/v1/state/import',
      { config: writer, schema: { tags, summary: 'Add a resource instance to a state (new serial)', body: importBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => withMessage(await audited(principalOf(request), 'state.written', request.body.state_id, { operation: 'import' }, () => state.importResource(principalOf(request), request.body)), 'Resource imported'),
    );
    app.delete(
      '/api/v1/state/resources/:id',
      {
        config: writer,
        schema: { tags, summary: 'Remove a resource by the id given to import or by its address (new serial)', params: idParams, querystring: stateIdQuery, response: { 200: anyObject, 423: errorResponse } },
      },
      async (request) =>
        withMessage(
          await audited(principalOf(request), 'state.written', request.query.state_id, { operation: 'remove', resource: request.params.id }, () => state.removeResource(principalOf(request), request.query.state_id, request.params.id)),
          'Resource removed from state',
        ),
    );
    app.post(
      '/api/v1/state/move',
      { config: writer, schema: { tags, summary: 'Move a resource to another address (new serial)', body: moveBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => withMessage(await audited(principalOf(request), 'state.written', request.body.state_id, { operation: 'move' }, () => state.moveResource(principalOf(request), request.body)), 'Resource moved'),
    );
    app.post(
      '/api/v1/state/rollback',
      { config: writer, schema: { tags, summary: 'Write an earlier serial back as the next serial', body: rollbackBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) =>
        withMessage(await audited(principalOf(request), 'state.written', request.body.state_id, { operation: 'rollback', serial: request.body.serial }, () => state.rollback(principalOf(request), request.body.state_id, request.body.serial)), 'State rolled back'),
    );
    app.post(
      '/api/v1/state/lock',
      { config: writer, schema: { tags, summary: 'Lock a state (shared with the terraform HTTP backend)', body: lockBody, response: { 200: anyObject.and(lockInfo.partial()), 423: errorResponse } } },
      async (request) =>
        withMessage(await audited(principalOf(request), 'state.locked', request.body.state_id, {}, () => state.lock(principalOf(request), request.body.state_id, request.body.reason, request.body.operation)), 'State locked'),
    );
    app.post(
      '/api/v1/state/unlock',
      { config: writer, schema: { tags, summary: 'Unlock a state (holder only; force: administrators)', body: unlockBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) =>
        withMessage(
          await audited(principalOf(request), request.body.force ? 'state.force_unlocked' : 'state.unlocked', request.body.state_id, {}, () => state.unlock(principalOf(request), request.body.state_id, request.body.force)),
          'State unlocked',
        ),
    );
  };
}
