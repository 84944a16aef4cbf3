import { z } from 'zod';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { DriftDetectService } from './drift-detect.service';
import type { DriftIgnoreService } from './drift-ignore.service';
import type { DriftReportService } from './drift-report.service';
import {
  detectAccepted, detectBody, historyQuery, historyReport, ignoreRulesBody, ignoreRulesReport, listResultsQuery, resourceIdParams, resultDetail,
  resultList, summaryReport,
} from './drift.schemas';

/** Drift detection routes: start a job, read and delete results, history, summary, ignore rules. */
export function driftRoutes(deps: { detect: DriftDetectService; reports: DriftReportService; ignore: DriftIgnoreService }) {
  const { detect, reports, ignore } = deps;
  const tags = ['drift'];
  return (app: App) => {
    app.post(
      '/api/v1/drift/detect',
      { schema: { tags, summary: 'Start a drift detection job for one resource, one state or everything (202)', body: detectBody, response: { 202: detectAccepted } } },
      async (request, reply) => reply.status(202).send(withMessage(await detect.detect(principalOf(request), request.body ?? {}), 'Drift detection job started')),
    );
    app.get(
      '/api/v1/drift/results',
      { schema: { tags, summary: 'Drift results (filters: status, resource_id)', querystring: listResultsQuery, response: { 200: resultList } } },
      async (request) => reports.list(principalOf(request), request.query),
    );
    app.get(
      '/api/v1/drift/results/:id',
      { schema: { tags, summary: 'One drift result with its field-level drifts and remediation plan (id or job id)', params: resourceIdParams, response: { 200: resultDetail } } },
      async (request) => reports.get(principalOf(request), request.params.id),
    );
    app.delete(
      '/api/v1/drift/results/:id',
      { schema: { tags, summary: 'Delete a drift result', params: resourceIdParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } } },
      async (request) => withMessage(await reports.remove(principalOf(request), request.params.id), 'Drift result deleted'),
    );
    app.get(
      '/api/v1/drift/history',
      { schema: { tags, summary: 'Drift per day over the last `days` days', querystring: historyQuery, response: { 200: historyReport } } },
      async (request) => reports.history(principalOf(request), request.query),
    );
    app.get(
      '/api/v1/drift/summary',
      { schema: { tags, summary: 'Figures of the latest scan', response: { 200: summaryReport } } },
      async (request) => reports.summary(principalOf(request)),
    );
    app.get(
      '/api/v1/drift/ignore',
      { schema: { tags, summary: 'Ignore rules (.driftignore syntax): the organization\'s and the workspace\'s', response: { 200: ignoreRulesReport } } },
      async (request) => ignore.get(principalOf(request)),
    );
    app.put(
      '/api/v1/drift/ignore',
      { schema: { tags, summary: 'Replace the organization\'s ignore rules', body: ignoreRulesBody, response: { 200: ignoreRulesReport } } },
      async (request) => withMessage(await ignore.put(principalOf(request), request.body.rules), 'Ignore rules saved'),
    );
  };
}
