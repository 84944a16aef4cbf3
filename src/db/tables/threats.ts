/** Tables of the threats feature (owned by src/features/threats). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ThreatsTables {}
