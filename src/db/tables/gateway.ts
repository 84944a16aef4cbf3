/** Tables of the gateway feature (owned by src/features/gateway). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GatewayTables {}
