import type { CoreContext, Feature } from '../context';
import type { GatewayApi } from '../contracts';

/** Wires the drift engine. Owned by src/features/drift. */
export async function wireDrift(_core: CoreContext, _deps: { gateway: GatewayApi }): Promise<{ feature: Feature }> {
  return { feature: { name: 'drift' } };
}
