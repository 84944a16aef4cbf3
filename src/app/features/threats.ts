import type { CoreContext, Feature } from '../context';
import type { GatewayApi, ThreatsApi } from '../contracts';

/** Wires the threat engine. Owned by src/features/threats. */
export async function wireThreats(_core: CoreContext, _deps: { gateway: GatewayApi }): Promise<{ feature: Feature; api: ThreatsApi }> {
  return { feature: { name: 'threats' }, api: { analyzeLogLines: async () => undefined } };
}
