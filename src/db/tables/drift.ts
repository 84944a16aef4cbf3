/** Tables of the drift feature (owned by src/features/drift). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DriftTables {}
