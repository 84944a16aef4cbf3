import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Principal } from '../../server/types';
import { generateAttackLines, simulatedSourceIp, simulationShape, type AttackType, type Intensity } from './simulation-lines';
import type { ThreatDetectionService } from './threat-detection.service';
import type { SimulationRow, ThreatsOpsRepository } from './threats-ops.repository';

function toPublic(row: SimulationRow) {
  return {
    simulation_id: row.id,
    attack_type: row.attack_type,
    target: row.target,
    intensity: row.intensity,
    status: row.status,
    source_ip: row.source_ip,
    estimated_duration_s: Number(row.estimated_duration_s),
    lines_generated: Number(row.lines_generated),
    threats_detected: Number(row.threats_detected),
    threat_ids: JSON.parse(row.threat_ids) as string[],
    created_at: new Date(Number(row.created_at)).toISOString(),
    completed_at: row.completed_at === null ? null : new Date(Number(row.completed_at)).toISOString(),
  };
}

/**
 * Attack simulation: generates the log lines such an attack leaves (timestamps spread over the attack's
 * duration, ending now) and feeds each through the same detection pipeline as /detect, tagged as simulated.
 */
export function createSimulationService(deps: { detection: ThreatDetectionService; repo: ThreatsOpsRepository; clock: Clock }) {
  return {
    async simulate(principal: Principal, input: { attack_type: AttackType; target: string; intensity: Intensity }) {
      const now = deps.clock.now();
      const sourceIp = simulatedSourceIp();
      const shape = simulationShape(input.attack_type, input.intensity);
      const row: SimulationRow = {
        id: newId(),
        organization_id: principal.organizationId,
        attack_type: input.attack_type,
        target: input.target,
        intensity: input.intensity,
        status: 'running',
        source_ip: sourceIp,
        lines_generated: 0,
        threats_detected: 0,
        threat_ids: '[]',
        estimated_duration_s: shape.durationS,
        created_by: principal.username,
        created_at: now,
        completed_at: null,
      };
      await deps.repo.insertSimulation(row);
      const lines = generateAttackLines(input.attack_type, input.intensity, input.target, sourceIp, now);
      const threatIds: string[] = [];
      let status = 'completed';
      try {
        for (const { line, timestamp } of lines) {
          const result = await deps.detection.detect(
            principal.organizationId,
            { line, timestamp, source: input.target, metadata: { simulated: true, simulation_id: row.id } },
            { simulationId: row.id },
          );
          if (result.threat_id && !threatIds.includes(result.threat_id)) threatIds.push(result.threat_id);
        }
      } catch (error) {
        status = 'failed';
        if (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') {
          await deps.repo.updateSimulation(row.id, { status, completed_at: deps.clock.now() });
          throw error;
        }
      }
      const done: SimulationRow = { ...row, status, lines_generated: lines.length, threats_detected: threatIds.length, threat_ids: JSON.stringify(threatIds), completed_at: deps.clock.now() };
      await deps.repo.updateSimulation(row.id, { status, lines_generated: done.lines_generated, threats_detected: done.threats_detected, threat_ids: done.threat_ids, completed_at: done.completed_at });
      return toPublic(done);
    },
    async get(organizationId: string, id: string) {
      const row = await deps.repo.findSimulation(organizationId, id);
      if (!row) throw new AppError({ code: 'RESOURCE_NOT_FOUND', message: `Simulation with ID ${id} not found` });
      return toPublic(row);
    },
  };
}

export type SimulationService = ReturnType<typeof createSimulationService>;
