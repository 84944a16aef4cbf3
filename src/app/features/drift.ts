import type { CoreContext, Feature } from '../context';
import type { GatewayApi } from '../contracts';
import { createStateModule } from '../../features/drift/state';
import { createDriftModule } from '../../features/drift/drift.module';
import type { SuppressionsApi } from '../../features/suppressions/suppressions.api';
import type { DriftThreatsApi } from '../../features/threats/drift-threats.service';

/**
 * Wires the drift engine: the state module (backends, Terraform states, locks, the HTTP backend protocol) is the
 * expected side; the drift module (live inventory, drift jobs and reports, cost, compliance) reads it.
 */
export async function wireDrift(core: CoreContext, deps: { gateway: GatewayApi; suppressions?: SuppressionsApi; threats?: DriftThreatsApi }): Promise<{ feature: Feature }> {
  const state = createStateModule(core);
  const drift = createDriftModule(core, { state: state.service, suppressions: deps.suppressions, threats: deps.threats });
  return {
    feature: {
      name: 'drift',
      hooks: state.hooks ? (app) => state.hooks!(app) : undefined,
      routes: (app) => {
        state.routes(app);
        drift.routes(app);
      },
      start: async () => {
        await state.start();
        await drift.start();
      },
      stop: async () => {
        await drift.stop();
        await state.stop();
      },
    },
  };
}
