import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { toJson } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { Agents } from './agents';
import { round } from './agents';
import { estimateImpact } from './cost-model';
import type { CustomRulesService } from './custom-rules.service';
import { SEVERITY_WEIGHT, type Detection, type ParsedLog, type ThreatPipeline } from './detection-types';
import { extractIocs } from './iocs';
import type { SharedCorrelation } from './detection/correlation/shared-windows';
import { recommendedActions, templateFor, type PlaybookTemplate, type ThreatVariables } from './playbook-templates';
import type { ThreatSettingsService } from './threat-settings.service';
import type { Finding, SuppressionsApi } from '../suppressions/suppressions.api';
import { nextSeq, type LogLineRow, type ThreatRow, type ThreatsRepository } from './threats.repository';

export interface DetectInput {
  line: string;
  timestamp?: number | null;
  source?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface DetectOptions {
  simulationId?: string | null;
}

export interface DetectResult {
  threat_id: string | null;
  threat_detected: boolean;
  confidence: number;
  threat_type: string | null;
  severity: string | null;
  impact_usd: number;
  mitre_attack: string[];
  recommended_actions: string[];
  processing_time_ms: number;
  explanation: string;
  rules: { id: string; title: string; kind: string }[];
  detections: number;
  playbook_pending: boolean;
  /** Set when a suppression or the allowlist silenced the threat: stored, but no event, alert or playbook. */
  suppressed_by?: string | null;
}

const HOUR_MS = 3_600_000;
/** A detection of the same type from the same source while its threat is still open joins that threat. */
export const MERGE_WINDOW_MS = 15 * 60_000;

/** Highest severity x confidence first: the detection the threat is filed under. */
export function pickPrimary(detections: Detection[]): Detection | null {
  let best: Detection | null = null;
  for (const detection of detections) {
    if (!best || SEVERITY_WEIGHT[detection.severity] * detection.confidence > SEVERITY_WEIGHT[best.severity] * best.confidence) best = detection;
  }
  return best;
}

const stringField = (fields: Record<string, unknown>, key: string): string | null => {
  const value = fields[key];
  return typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : null;
};

/**
 * The detector and analyzer stages: the pipeline parses and matches the line (shipped + custom rules, web-attack
 * grammar, correlation), then the analyzer keeps detections at or above the detector's threshold, extracts IOCs,
 * estimates the impact and stores the threat with its first timeline entries. The executor stage (playbook) is
 * queued after the commit.
 */
export function createThreatDetectionService(deps: {
  db: Kysely<Database>;
  repo: ThreatsRepository;
  pipeline: ThreatPipeline | null;
  agents: Agents;
  customRules: CustomRulesService;
  settings: ThreatSettingsService;
  templates: Map<string, PlaybookTemplate>;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  retentionLines: number;
  onThreatStored: (threat: ThreatRow) => void;
  /** Cluster mode: correlation windows shared by every instance through Redis (see correlation/shared-windows.ts). */
  shared?: SharedCorrelation | null;
  suppressions?: Pick<SuppressionsApi, 'match'>;
}) {
  const { db, repo, agents, clock, bus } = deps;
  const insertedSincePrune = new Map<string, number>();
  /** Prune after this many inserts: the store overshoots the cap by at most a tenth (and never by more than 500 lines). */
  const pruneEvery = Math.max(1, Math.min(500, Math.ceil(deps.retentionLines / 10)));

  async function prune(organizationId: string, added: number) {
    const count = (insertedSincePrune.get(organizationId) ?? 0) + added;
    if (count < pruneEvery) {
      insertedSincePrune.set(organizationId, count);
      return;
    }
    insertedSincePrune.set(organizationId, 0);
    try {
      await repo.pruneLogLines(organizationId, deps.retentionLines);
    } catch (error) {
      deps.logger.warn({ err: error }, 'threats: pruning stored log lines failed');
    }
  }

  function logLine(organizationId: string, input: DetectInput, parsed: ParsedLog, primary: Detection | null, logTime: number, simulated: boolean, threatId: string | null): LogLineRow {
    return {
      id: newId(),
      organization_id: organizationId,
      line: input.line,
      source: input.source ?? null,
      source_ip: primary?.sourceIp ?? stringField(parsed.fields, 'src_ip'),
      user_name: primary?.user ?? stringField(parsed.fields, 'user'),
      log_time: logTime,
      threat_id: threatId,
      simulated: simulated ? 1 : 0,
      received_at: clock.now(),
    };
  }

  async function analyze(organizationId: string, input: DetectInput, parsed: ParsedLog, detections: Detection[], logTime: number, options: DetectOptions, detectedAt: number, detectorMs: number) {
    const configs = await agents.configsOf(organizationId);
    const kept = detections.filter((d) => d.confidence >= configs.detector.threshold);
    const primary = pickPrimary(kept);
    const simulated = Boolean(options.simulationId);
    if (!primary) return { primary: null, threat: null, merged: null, dropped: detections.length, configs };
    if (primary.sourceIp || primary.user) {
      const merged = await repo.findOpenThreat(organizationId, {
        threatType: primary.threatType,
        sourceIp: primary.sourceIp,
        user: primary.user,
        simulated,
        since: detectedAt - MERGE_WINDOW_MS,
      });
      // A suppressed open threat takes no more lines once its suppression stopped holding: the next one notifies.
      const stillSilenced = async (open: ThreatRow) => !open.suppressed_by || (await silencedBy(organizationId, primary, input)) !== null;
      if (merged && (await stillSilenced(merged))) return { primary, threat: null, merged, dropped: detections.length - kept.length, configs };
    }

    const model = await deps.settings.costModel(organizationId);
    const target = primary.target ?? input.source ?? null;
    const impact = estimateImpact(model, { threatType: primary.threatType, severity: primary.severity, source: input.source ?? null, target, format: parsed.format });
    const threatId = newId();
    const vars: ThreatVariables = { threat_id: threatId, threat_type: primary.threatType, severity: primary.severity, source_ip: primary.sourceIp, user: primary.user, target, source: input.source ?? null };
    const template = templateFor(deps.templates, primary.threatType);
    const iocs = extractIocs([input.line, ...kept.flatMap((d) => d.evidence)]);
    const now = clock.now();
    const threat: ThreatRow = {
      id: threatId,
      organization_id: organizationId,
      threat_type: primary.threatType,
      severity: primary.severity,
      confidence: round(primary.confidence, 4),
      status: 'detected',
      impact_usd: impact.impact_usd,
      source_ip: primary.sourceIp,
      user_name: primary.user,
      target,
      source: input.source ?? null,
      asset_class: impact.asset_class,
      mitre_attack: toJson(primary.mitreAttack),
      recommended_actions: toJson(recommendedActions(template, vars)),
      rules: toJson(primary.rules),
      detections: toJson(kept),
      iocs: toJson(iocs),
      explanation: primary.explanation,
      raw_log: input.line,
      log_format: parsed.format,
      simulated: simulated ? 1 : 0,
      simulation_id: options.simulationId ?? null,
      processing_time_ms: 0,
      occurrences: 1,
      last_seen_at: detectedAt,
      log_time: logTime,
      detected_at: detectedAt,
      mitigated_at: null,
      updated_at: now,
      suppressed_by: await silencedBy(organizationId, primary, input),
    };
    const timeline = [
      { event: 'threat_detected', agent: 'detector', at: detectedAt, details: { rules: primary.rules.map((r) => r.id), confidence: threat.confidence, detections: kept.length, duration_ms: round(detectorMs, 3) } },
      {
        event: 'threat_analyzed',
        agent: 'analyzer',
        at: now,
        details: { impact_usd: impact.impact_usd, asset_class: impact.asset_class, threshold: configs.detector.threshold, below_threshold: detections.length - kept.length, iocs: iocs.ips.length + iocs.domains.length + iocs.hashes.length },
      },
      ...(threat.suppressed_by ? [{ event: 'threat_suppressed', agent: 'analyzer', at: now, details: { suppressed_by: threat.suppressed_by } }] : []),
    ].map((entry) => ({ id: newId(), organization_id: organizationId, threat_id: threatId, event: entry.event, agent: entry.agent, actor: null, details: toJson(entry.details), at: entry.at, seq: nextSeq() }));
    return { primary, threat, merged: null, timeline, configs, dropped: detections.length - kept.length };
  }

  async function store(
    organizationId: string,
    line: LogLineRow | null,
    threat: ThreatRow | null,
    timeline: Parameters<ThreatsRepository['insertTimeline']>[0],
    hour: number,
    simulated: boolean,
    merged: ThreatRow | null = null,
  ) {
    await db.transaction().execute(async (trx) => {
      if (threat) {
        await repo.insertThreat(threat, trx);
        await repo.insertTimeline(timeline, trx);
      }
      if (merged) await repo.addOccurrence(organizationId, merged.id, clock.now(), trx);
      if (line) await repo.insertLogLines([line], trx);
      await repo.countLines(organizationId, hour, simulated, 1, threat ? 1 : 0, trx);
    });
  }

  async function withRetries<T>(attempts: number, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= attempts || error instanceof AppError) throw error;
      }
    }
  }

  async function detect(organizationId: string, input: DetectInput, options: DetectOptions = {}): Promise<DetectResult> {
    const pipeline = deps.pipeline;
    if (!pipeline) throw new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'The detection engine is not available in this build' });
    const started = performance.now();
    const logTime = input.timestamp ?? clock.now();
    const extraRules = await deps.customRules.compiledFor(organizationId);
    const ctx = { organizationId, timestamp: logTime, source: input.source ?? null, metadata: input.metadata ?? null };
    const detectorStarted = performance.now();
    const eventId = typeof input.metadata?.event_id === 'string' ? input.metadata.event_id : null;
    const { parsed, detections, belowConfidence, duplicate } = await agents.submit('detector', organizationId, async () =>
      deps.shared ? deps.shared.analyze(pipeline, input.line, ctx, extraRules, eventId) : { ...pipeline.analyze(input.line, ctx, extraRules), duplicate: false },
    );
    const detectorMs = performance.now() - detectorStarted;
    if (duplicate) return benign(performance.now() - started, 'This event was already analyzed (replayed after a failover); it is not counted again.');
    const detectedAt = clock.now();
    const simulated = Boolean(options.simulationId);
    const hour = Math.floor(logTime / HOUR_MS) * HOUR_MS;
    const keepLines = deps.retentionLines > 0;

    if (detections.length === 0) {
      await store(organizationId, keepLines ? logLine(organizationId, input, parsed, null, logTime, simulated, null) : null, null, [], hour, simulated);
      if (keepLines) await prune(organizationId, 1);
      const weak = belowConfidence.flatMap((d) => d.rules.map((r) => r.title));
      const explanation = weak.length
        ? `Matched only low-confidence evidence (${weak.join('; ')}); kept for correlation, not a threat on its own.`
        : 'No rule, web-attack grammar or correlation matched this line.';
      return benign(performance.now() - started, explanation);
    }

    const analysis = await agents.submit('analyzer', organizationId, async () => {
      const result = await analyze(organizationId, input, parsed, detections, logTime, options, detectedAt, detectorMs);
      const threatId = result.threat?.id ?? result.merged?.id ?? null;
      const line = keepLines ? logLine(organizationId, input, parsed, result.primary, logTime, simulated, threatId) : null;
      if (result.threat) result.threat.processing_time_ms = round(performance.now() - started, 3);
      await withRetries(result.configs.analyzer.retry_attempts, () =>
        store(organizationId, line, result.threat, result.timeline ?? [], hour, simulated, result.merged),
      );
      return result;
    });
    if (keepLines) await prune(organizationId, 1);
    const { primary, threat, merged } = analysis;
    if (primary && merged) return mergedResult(primary, merged, performance.now() - started);
    if (!primary || !threat) {
      return benign(performance.now() - started, `${analysis.dropped} detection(s) below the detector threshold ${analysis.configs.detector.threshold}; not a threat.`);
    }

    const base = { threat_id: threat.id, severity: threat.severity, confidence: threat.confidence, threat_type: threat.threat_type, simulated };
    if (threat.suppressed_by) return { ...storedResult(threat, primary, performance.now() - started, false), suppressed_by: threat.suppressed_by };
    bus.publish('threat.detected', organizationId, { ...base, timestamp: new Date(threat.detected_at).toISOString(), source_ip: threat.source_ip, impact_usd: threat.impact_usd });
    bus.publish('threat.analyzed', organizationId, { ...base, timestamp: new Date(threat.updated_at).toISOString(), impact_usd: threat.impact_usd, asset_class: threat.asset_class });
    const playbookPending = threat.confidence >= analysis.configs.analyzer.threshold;
    if (playbookPending) deps.onThreatStored(threat);
    return storedResult(threat, primary, performance.now() - started, playbookPending);
  }

  function storedResult(threat: ThreatRow, primary: Detection, ms: number, playbookPending: boolean): DetectResult {
    return {
      threat_id: threat.id,
      threat_detected: true,
      confidence: threat.confidence,
      threat_type: threat.threat_type,
      severity: threat.severity,
      impact_usd: threat.impact_usd,
      mitre_attack: primary.mitreAttack,
      recommended_actions: JSON.parse(threat.recommended_actions) as string[],
      processing_time_ms: round(ms, 3),
      explanation: primary.explanation,
      rules: primary.rules,
      detections: JSON.parse(threat.detections).length,
      playbook_pending: playbookPending,
    };
  }

  /** The suppression (or allowlist entry) that silences a detection now, or null. */
  async function silencedBy(organizationId: string, primary: Detection, input: DetectInput): Promise<string | null> {
    if (!deps.suppressions) return null;
    const finding: Finding = {
      engine: 'threat',
      severity: primary.severity,
      threat_type: primary.threatType,
      source_ip: primary.sourceIp,
      user: primary.user,
      rule_ids: primary.rules.map((rule) => rule.id),
      source: input.source ?? null,
      resource_name: primary.target ?? null,
    };
    return deps.suppressions.match(organizationId, finding);
  }

  function mergedResult(primary: Detection, merged: ThreatRow, ms: number): DetectResult {
    return {
      threat_id: merged.id,
      threat_detected: true,
      confidence: round(primary.confidence, 4),
      threat_type: primary.threatType,
      severity: primary.severity,
      impact_usd: Number(merged.impact_usd),
      mitre_attack: primary.mitreAttack,
      recommended_actions: JSON.parse(merged.recommended_actions) as string[],
      processing_time_ms: round(ms, 3),
      explanation: `${primary.explanation} (part of open threat ${merged.id}, occurrence ${Number(merged.occurrences) + 1})`,
      rules: primary.rules,
      detections: 1,
      playbook_pending: false,
    };
  }

  function benign(ms: number, explanation: string): DetectResult {
    return {
      threat_id: null,
      threat_detected: false,
      confidence: 0,
      threat_type: null,
      severity: null,
      impact_usd: 0,
      mitre_attack: [],
      recommended_actions: [],
      processing_time_ms: round(ms, 3),
      explanation,
      rules: [],
      detections: 0,
      playbook_pending: false,
    };
  }

  return { detect };
}

export type ThreatDetectionService = ReturnType<typeof createThreatDetectionService>;
