import { z } from 'zod';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { SimulationService } from './simulation.service';
import type { ThreatDetectionService } from './threat-detection.service';
import { threatSettingsBody, type ThreatSettingsService } from './threat-settings.service';
import type { ThreatsService } from './threats.service';
import { detectBody, detectResponse, idParams, simulateBody, threatDetail, threatStatusBody, threatSummary, threatsQuery, pagination } from './threats.schemas';
import { simulationResponse, threatSettingsResponse, threatStatusChanged } from './threat-responses.schemas';

const tags = ['threats'];

/** Detection, threat records, per-organization threat settings and attack simulation. */
export function threatsRoutes(deps: { detection: ThreatDetectionService; threats: ThreatsService; settings: ThreatSettingsService; simulation: SimulationService }) {
  return (app: App) => {
    app.post(
      '/api/v1/detect',
      { schema: { tags, summary: 'Analyze one log line (parsers, Sigma rules, web-attack grammar, correlation)', body: detectBody, response: { 200: detectResponse } } },
      async (request) => {
        const body = request.body;
        const timestamp = body.timestamp === undefined || body.timestamp === null ? null : typeof body.timestamp === 'number' ? body.timestamp : Date.parse(body.timestamp);
        const result = await deps.detection.detect(principalOf(request).organizationId, { line: body.log_entry, timestamp, source: body.source ?? null, metadata: body.metadata ?? null });
        return withMessage(result, result.threat_detected ? `Threat detected: ${result.threat_type}` : 'No threat detected');
      },
    );

    app.get(
      '/api/v1/threats',
      { schema: { tags, summary: 'List threats', querystring: threatsQuery, response: { 200: z.object({ threats: z.array(threatSummary), pagination }) } } },
      async (request) => {
        const q = request.query;
        return deps.threats.list(
          principalOf(request).organizationId,
          {
            severity: q.severity,
            status: q.status,
            type: q.type,
            from: q.from_date ? Date.parse(q.from_date) : undefined,
            to: q.to_date ? Date.parse(q.to_date) : undefined,
            includeSimulated: q.include_simulated,
          },
          q.page,
          q.limit,
        );
      },
    );

    app.get(
      '/api/v1/threats/settings',
      { schema: { tags, summary: 'Cost model and alert destinations of the organization', response: { 200: threatSettingsResponse } } },
      async (request) => deps.settings.describe(principalOf(request).organizationId),
    );
    app.put(
      '/api/v1/threats/settings',
      { config: { access: 'admin' }, schema: { tags, summary: 'Override the cost model or set alert webhooks (admin)', body: threatSettingsBody, response: { 200: threatSettingsResponse } } },
      async (request) => withMessage(await deps.settings.update(principalOf(request).organizationId, request.body, principalOf(request)), 'Threat settings updated'),
    );

    app.get(
      '/api/v1/threats/:id',
      { schema: { tags, summary: 'One threat with timeline, IOCs, detections and evidence', params: idParams, response: { 200: threatDetail } } },
      async (request) => deps.threats.get(principalOf(request).organizationId, request.params.id),
    );

    const changeStatus = {
      schema: { tags, summary: 'Change a threat\'s status (e.g. false_positive); recorded in its timeline', params: idParams, body: threatStatusBody, response: { 200: threatStatusChanged } },
    };
    app.patch('/api/v1/threats/:id', changeStatus, async (request) =>
      withMessage(await deps.threats.changeStatus(principalOf(request), request.params.id, request.body), 'Threat status updated'),
    );
    app.post('/api/v1/threats/:id/status', changeStatus, async (request) =>
      withMessage(await deps.threats.changeStatus(principalOf(request), request.params.id, request.body), 'Threat status updated'),
    );

    app.post(
      '/api/v1/simulate-attack',
      { schema: { tags: ['simulation'], summary: 'Generate an attack\'s log lines and run them through the pipeline (tagged simulated)', body: simulateBody, response: { 200: simulationResponse } } },
      async (request) => withMessage(await deps.simulation.simulate(principalOf(request), request.body), 'Attack simulated'),
    );
    app.get(
      '/api/v1/simulations/:id',
      { schema: { tags: ['simulation'], summary: 'One simulation', params: idParams, response: { 200: simulationResponse } } },
      async (request) => deps.simulation.get(principalOf(request).organizationId, request.params.id),
    );
  };
}
