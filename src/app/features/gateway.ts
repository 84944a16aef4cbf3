import type { CoreContext, Feature } from '../context';
import type { GatewayApi } from '../contracts';
import { AppError } from '../../lib/errors';

/** Wires the gateway feature (rate limits, usage analytics, webhooks). Owned by src/features/gateway. */
export async function wireGateway(_core: CoreContext): Promise<{ feature: Feature; api: GatewayApi }> {
  const unavailable = () => new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'The gateway feature is not available yet' });
  return {
    feature: { name: 'gateway' },
    api: {
      enqueueDelivery: async () => {
        throw unavailable();
      },
      tightenLimit: async () => {
        throw unavailable();
      },
    },
  };
}
