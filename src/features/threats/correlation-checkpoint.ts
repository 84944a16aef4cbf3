import { SERVER_SCOPE } from '../../db/settings';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { ThreatPipeline } from './detection-types';
import type { ThreatsOpsRepository } from './threats-ops.repository';

/**
 * Persists the pipeline's correlation state (open windows per IP/user) so a restart does not forget the first
 * four of five failed logins: restored when the feature is wired, saved periodically and on stop.
 */
export function createCorrelationCheckpoint(deps: { pipeline: ThreatPipeline | null; repo: ThreatsOpsRepository; clock: Clock; logger: Logger }) {
  let timer: NodeJS.Timeout | null = null;
  let saving: Promise<void> | null = null;

  async function save() {
    const pipeline = deps.pipeline;
    if (!pipeline) return;
    if (saving) return saving;
    saving = (async () => {
      try {
        await deps.repo.saveCorrelationState(SERVER_SCOPE, JSON.stringify(pipeline.exportState() ?? null), deps.clock.now());
      } catch (error) {
        deps.logger.error({ err: error }, 'threats: could not checkpoint the correlation state');
      } finally {
        saving = null;
      }
    })();
    return saving;
  }

  return {
    async restore() {
      if (!deps.pipeline) return false;
      const row = await deps.repo.loadCorrelationState(SERVER_SCOPE);
      if (!row) return false;
      try {
        deps.pipeline.importState(JSON.parse(row.state));
        return true;
      } catch (error) {
        deps.logger.warn({ err: error }, 'threats: stored correlation state could not be restored; starting empty');
        return false;
      }
    },
    save,
    start(intervalSeconds: number) {
      timer = setInterval(() => void save(), intervalSeconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await save();
    },
  };
}
