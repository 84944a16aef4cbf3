/**
 * The interfaces features offer each other live in the providing feature (`<name>.api.ts`); the composition
 * root re-exports them here for its wiring files.
 */
export type { GatewayApi, OutboundDelivery } from '../features/gateway/gateway.api';
export type { IngestedLogLine, ThreatsApi } from '../features/threats/threats.api';
export type { IngestApi, IngestHooks } from '../features/anomalies/anomalies.api';
