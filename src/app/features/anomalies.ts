import type { CoreContext, Feature } from '../context';
import type { GatewayApi, ThreatsApi } from '../contracts';

/** Wires the anomaly engine. Owned by src/features/anomalies. */
export async function wireAnomalies(_core: CoreContext, _deps: { gateway: GatewayApi; threats: ThreatsApi }): Promise<{ feature: Feature }> {
  return { feature: { name: 'anomalies' } };
}
