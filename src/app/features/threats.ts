import type { CoreContext, Feature } from '../context';
import type { GatewayApi, IngestedLogLine, ThreatsApi } from '../contracts';
import type { EventName } from '../../events/catalogue';
import { createAgents } from '../../features/threats/agents';
import { createBlocklist } from '../../features/threats/blocklist';
import { createCorrelationCheckpoint } from '../../features/threats/correlation-checkpoint';
import { createSharedCorrelation } from '../../features/threats/detection/correlation/shared-windows';
import { loadDefaultCostModel } from '../../features/threats/cost-model';
import { createCustomRulesService } from '../../features/threats/custom-rules.service';
import { loadDetectionEngine } from '../../features/threats/detection-engine';
import { createStepRunner } from '../../features/threats/playbook-steps';
import { DEFAULT_PLAYBOOKS_DIR, loadPlaybookTemplates } from '../../features/threats/playbook-templates';
import { createPlaybooksRepository } from '../../features/threats/playbooks.repository';
import { playbooksRoutes } from '../../features/threats/playbooks.routes';
import { createPlaybooksService } from '../../features/threats/playbooks.service';
import { createSimulationService } from '../../features/threats/simulation.service';
import { createThreatAnalyticsService } from '../../features/threats/threat-analytics.service';
import { createThreatDetectionService } from '../../features/threats/threat-detection.service';
import { threatOpsRoutes } from '../../features/threats/threat-ops.routes';
import { createThreatSettingsService } from '../../features/threats/threat-settings.service';
import { createThreatsAgentsRepository } from '../../features/threats/threats-agents.repository';
import { createThreatsOpsRepository } from '../../features/threats/threats-ops.repository';
import { createThreatsRepository } from '../../features/threats/threats.repository';
import { threatsRoutes } from '../../features/threats/threats.routes';
import { createThreatsService } from '../../features/threats/threats.service';
import type { SuppressionsApi } from '../../features/suppressions/suppressions.api';
import { createDriftThreatsService, type DriftThreatsApi } from '../../features/threats/drift-threats.service';
import { createThreatsDriftRepository } from '../../features/threats/threats-drift.repository';
import { createRuleBacktestService } from '../../features/threats/rule-backtest.service';
import { ruleBacktestRoutes } from '../../features/threats/rule-backtest.routes';

/** Bus events forwarded to /ws/threats clients, in pipeline order, as ThreatCopilot names them. */
const WS_MESSAGES: [EventName, string][] = [
  ['threat.detected', 'threat_detected'],
  ['threat.analyzed', 'threat_analyzed'],
  ['playbook.generated', 'playbook_generated'],
  ['playbook.approval_required', 'approval_required'],
  ['playbook.executing', 'playbook_executing'],
  ['threat.mitigated', 'threat_mitigated'],
  ['playbook.rejected', 'playbook_rejected'],
  ['playbook.completed', 'playbook_completed'],
  ['threat.status_changed', 'threat_status_changed'],
];

/** Wires the threat engine. Owned by src/features/threats. */
export async function wireThreats(core: CoreContext, deps: { gateway: GatewayApi; sharedCorrelation?: boolean; suppressions?: SuppressionsApi }): Promise<{ feature: Feature; api: ThreatsApi; driftThreats: DriftThreatsApi }> {
  const { db, bus, clock, logger, config } = core;
  const engine = loadDetectionEngine();
  if (!engine) logger.warn('threats: the detection engine is not available; detection answers 503 SERVICE_UNAVAILABLE');
  const pipeline = engine ? engine.createThreatPipeline({ clock }) : null;

  // Cluster mode: correlation windows live in Redis, shared by every instance, instead of in this process.
  const shared = deps.sharedCorrelation && core.redis ? createSharedCorrelation(core.redis) : null;
  const repo = createThreatsRepository(db);
  const playbooksRepo = createPlaybooksRepository(db);
  const ops = createThreatsOpsRepository(db);
  const templates = loadPlaybookTemplates(config.threatPlaybooksDir ?? DEFAULT_PLAYBOOKS_DIR);
  const agents = createAgents({ repo: createThreatsAgentsRepository(db), clock, logger });
  const blocklist = createBlocklist({ repo: ops, bus, clock, logger, defaultOrganizationId: () => core.accounts.defaultOrganizationId(), audit: core.audit });
  const settings = createThreatSettingsService({ settings: core.settings, defaults: loadDefaultCostModel(), clock, secrets: core.secrets, guard: core.outbound, audit: core.audit });
  const customRules = createCustomRulesService({ repo: ops, engine, pipeline, clock, logger });
  const steps = createStepRunner({ blocklist, gateway: deps.gateway, accounts: core.accounts, repo, ops, settings, bus, clock, allowlist: deps.suppressions });
  const playbooks = createPlaybooksService({ db, repo: playbooksRepo, threats: repo, agents, steps, templates, bus, clock, logger, audit: core.audit });
  const detection = createThreatDetectionService({
    db,
    repo,
    pipeline,
    agents,
    customRules,
    settings,
    templates,
    bus,
    clock,
    logger,
    retentionLines: config.threatLogRetentionLines,
    shared,
    suppressions: deps.suppressions,
    onThreatStored: (threat) => {
      agents.submit('executor', threat.organization_id, () => playbooks.generate(threat)).catch((error) =>
        logger.error({ err: error, threat: threat.id }, 'threats: playbook generation failed'),
      );
    },
  });
  const driftThreats = createDriftThreatsService({
    db, repo, driftRepo: createThreatsDriftRepository(db), settings, templates, bus, clock, logger, suppressions: deps.suppressions,
    onThreatStored: (threat) => {
      agents.submit('executor', threat.organization_id, () => playbooks.generate(threat)).catch((error) =>
        logger.error({ err: error, threat: threat.id }, 'threats: playbook generation failed'),
      );
    },
  });
  const threats = createThreatsService({ repo, playbooks: playbooksRepo, ops, bus, clock });
  const analytics = createThreatAnalyticsService({ repo, clock });
  const simulation = createSimulationService({ detection, repo: ops, clock });
  const checkpoint = createCorrelationCheckpoint({ pipeline: shared ? null : pipeline, repo: ops, clock, logger });

  await checkpoint.restore();
  await blocklist.reload();

  for (const [event, type] of WS_MESSAGES) {
    core.ws.map(event, 'threats', (e) => ({ type, data: { timestamp: e.createdAt, ...e.data } }));
  }

  const api: ThreatsApi = {
    async analyzeLogLines(organizationId: string, lines: IngestedLogLine[]) {
      if (!pipeline) return;
      for (const line of lines) {
        try {
          const parsed = Date.parse(line.timestamp);
          await detection.detect(organizationId, {
            line: line.message,
            timestamp: Number.isNaN(parsed) ? null : parsed,
            source: line.source,
            metadata: { ...(line.metadata ?? {}), ...(line.level ? { level: line.level } : {}), ...(line.eventId ? { event_id: line.eventId } : {}) },
          });
        } catch (error) {
          logger.warn({ err: error, source: line.source }, 'threats: an ingested log line could not be analyzed');
        }
      }
    },
  };

  const feature: Feature = {
    name: 'threats',
    hooks: (app) => blocklist.hook(app),
    routes: (app) => {
      threatsRoutes({ detection, threats, settings, simulation })(app);
      playbooksRoutes({ playbooks, blocklist })(app);
      threatOpsRoutes({ agents, analytics, rules: customRules })(app);
      ruleBacktestRoutes({ backtest: createRuleBacktestService({ db, engine, pipeline, customRules }) })(app);
    },
    start: () => {
      if (config.backgroundJobs) checkpoint.start(config.threatCheckpointSeconds);
    },
    stop: async () => {
      await agents.stop();
      await checkpoint.stop();
    },
  };
  return { feature, api, driftThreats };
}
