import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import { agentConfigBody, type Agents } from './agents';
import type { CustomRulesService } from './custom-rules.service';
import type { ThreatAnalyticsService } from './threat-analytics.service';
import { agentParams, dashboardQuery, metricsQuery, ruleBody, ruleParams } from './threats.schemas';
import { agentConfigured, agentsStatus, dashboardResponse, metricSeries, ruleDeleted, ruleList, ruleSummary } from './threat-responses.schemas';

/** Agents (status, configuration), threat analytics and custom Sigma rules. */
export function threatOpsRoutes(deps: { agents: Agents; analytics: ThreatAnalyticsService; rules: CustomRulesService }) {
  return (app: App) => {
    app.get('/api/v1/agents/status', { schema: { tags: ['agents'], summary: 'Measured state of the detector, analyzer and executor', response: { 200: agentsStatus } } }, async (request) => ({
      agents: await deps.agents.status(principalOf(request).organizationId),
    }));
    app.post(
      '/api/v1/agents/:name/configure',
      { config: { access: 'admin' }, schema: { tags: ['agents'], summary: 'Set an agent\'s threshold, timeout and retry attempts (admin)', params: agentParams, body: agentConfigBody, response: { 200: agentConfigured } } },
      async (request) =>
        withMessage(await deps.agents.configure(principalOf(request).organizationId, request.params.name, request.body), `Agent ${request.params.name} configured`),
    );

    app.get(
      '/api/v1/analytics/dashboard',
      { schema: { tags: ['analytics'], summary: 'Today, this week and top threats (simulations excluded unless include_simulated=true)', querystring: dashboardQuery, response: { 200: dashboardResponse } } },
      async (request) => deps.analytics.dashboard(principalOf(request).organizationId, request.query.include_simulated),
    );
    app.get(
      '/api/v1/analytics/metrics',
      { schema: { tags: ['analytics'], summary: 'A threat metric over time with min/max/avg/p50/p95/p99', querystring: metricsQuery, response: { 200: metricSeries } } },
      async (request) => {
        const q = request.query;
        return deps.analytics.metrics(principalOf(request).organizationId, {
          metric: q.metric,
          interval: q.interval,
          from: q.from_date ? Date.parse(q.from_date) : undefined,
          to: q.to_date ? Date.parse(q.to_date) : undefined,
          includeSimulated: q.include_simulated,
        });
      },
    );

    app.get('/api/v1/rules', { schema: { tags: ['rules'], summary: 'Shipped and custom detection rules', response: { 200: ruleList } } }, async (request) =>
      deps.rules.list(principalOf(request).organizationId),
    );
    app.post(
      '/api/v1/rules',
      { config: { access: 'admin' }, schema: { tags: ['rules'], summary: 'Add a Sigma rule (JSON {yaml} or a YAML body) (admin)', body: ruleBody, response: { 201: ruleSummary } } },
      async (request, reply) => {
        const yaml = typeof request.body === 'string' ? request.body : request.body.yaml;
        return reply.status(201).send(withMessage(await deps.rules.create(principalOf(request), yaml), 'Rule added'));
      },
    );
    app.delete(
      '/api/v1/rules/:id',
      { config: { access: 'admin' }, schema: { tags: ['rules'], summary: 'Delete a custom rule (admin)', params: ruleParams, response: { 200: ruleDeleted } } },
      async (request) => withMessage(await deps.rules.remove(principalOf(request).organizationId, request.params.id), 'Rule deleted'),
    );
  };
}
