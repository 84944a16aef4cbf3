import { z } from 'zod';
import { principalOf } from '../../../server/auth';
import { errorResponse, withMessage } from '../../../server/envelope';
import type { App } from '../../../server/types';
import type { StateService } from './state.service';
import { idParams, importBody, lockBody, lockInfo, moveBody, rollbackBody, stateIdQuery, stateListQuery, stateSummary, unlockBody } from './state.schemas';

const tags = ['drift: state'];
const admin = { access: 'admin' as const };
const anyObject = z.record(z.string(), z.unknown());

export function stateRoutes(deps: { state: StateService }) {
  const { state } = deps;
  return (app: App) => {
    app.get(
      '/api/v1/state/list',
      {
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
      { schema: { tags, summary: 'A parsed state: resources x instances, outputs, serial, lineage', querystring: stateIdQuery, response: { 200: anyObject } } },
      async (request) => state.details(principalOf(request).organizationId, request.query.state_id),
    );
    app.get(
      '/api/v1/state/history',
      { schema: { tags, summary: 'Every version Vigil has kept of a state, newest first', querystring: stateIdQuery, response: { 200: anyObject } } },
      async (request) => state.history(principalOf(request).organizationId, request.query.state_id),
    );
    app.post(
      '/api/v1/state/import',
      { config: admin, schema: { tags, summary: 'Add a resource instance to a state (new serial)', body: importBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => withMessage(await state.importResource(principalOf(request), request.body), 'Resource imported'),
    );
    app.delete(
      '/api/v1/state/resources/:id',
      {
        config: admin,
        schema: { tags, summary: 'Remove a resource by the id given to import or by its address (new serial)', params: idParams, querystring: stateIdQuery, response: { 200: anyObject, 423: errorResponse } },
      },
      async (request) => withMessage(await state.removeResource(principalOf(request), request.query.state_id, request.params.id), 'Resource removed from state'),
    );
    app.post(
      '/api/v1/state/move',
      { config: admin, schema: { tags, summary: 'Move a resource to another address (new serial)', body: moveBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => withMessage(await state.moveResource(principalOf(request), request.body), 'Resource moved'),
    );
    app.post(
      '/api/v1/state/rollback',
      { config: admin, schema: { tags, summary: 'Write an earlier serial back as the next serial', body: rollbackBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => withMessage(await state.rollback(principalOf(request), request.body.state_id, request.body.serial), 'State rolled back'),
    );
    app.post(
      '/api/v1/state/lock',
      { config: admin, schema: { tags, summary: 'Lock a state (shared with the terraform HTTP backend)', body: lockBody, response: { 200: anyObject.and(lockInfo.partial()), 423: errorResponse } } },
      async (request) => withMessage(await state.lock(principalOf(request), request.body.state_id, request.body.reason, request.body.operation), 'State locked'),
    );
    app.post(
      '/api/v1/state/unlock',
      { schema: { tags, summary: 'Unlock a state (holder only; force: administrators)', body: unlockBody, response: { 200: anyObject, 423: errorResponse } } },
      async (request) => withMessage(await state.unlock(principalOf(request), request.body.state_id, request.body.force), 'State unlocked'),
    );
  };
}
