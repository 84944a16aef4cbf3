/** Tables of the drift feature's state side: backends, state files and versions, locks (src/features/drift/state). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DriftStateTables {}
