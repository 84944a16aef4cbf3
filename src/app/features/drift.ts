import type { CoreContext, Feature } from '../context';
import type { GatewayApi } from '../contracts';
import { createStateModule } from '../../features/drift/state';
import { createDriftModule } from '../../features/drift/drift.module';

/**
 * Wires the drift engine: the state module (backends, Terraform states, locks, the HTTP backend protocol) is the
 * expected side; the drift module (live inventory, drift jobs and reports, cost, compliance) reads it.
 */
export async function wireDrift(core: CoreContext, _deps: { gateway: GatewayApi }): Promise<{ feature: Feature }> {
  const state = createStateModule(core);
  const drift = createDriftModule(core, { state: state.service });
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
