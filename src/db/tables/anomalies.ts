/** Tables of the anomalies feature (owned by src/features/anomalies). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AnomaliesTables {}
