/** Tables of the drift feature's state side: backends, state files and versions, locks (src/features/drift/state). */
export interface StateBackendsTable {
  id: string;
  organization_id: string;
  name: string;
  /** local | http | pg | s3 */
  type: string;
  /** JSON text of the backend's configuration (secrets included: never sent to clients unmasked). */
  config: string;
  /** What the backend points at (`local:/abs/dir`, `s3:bucket/prefix@endpoint`...): one backend per locator per organization. */
  locator: string;
  /** configured (created by an admin) | discovered (from the server's sources) | builtin (the organization's http backend) */
  source: string;
  read_only: number;
  /** active | error | discovered */
  status: string;
  last_checked: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface StateFilesTable {
  id: string;
  organization_id: string;
  backend_id: string;
  /** Path inside the backend (file path, object key, pg row name, http state name). */
  path: string;
  /** 0 once the state disappeared from its backend (history is kept). */
  present: number;
  /** Number of the newest row in state_versions (0: no version yet, e.g. a lock taken before the first write). */
  latest_version: number;
  serial: number | null;
  lineage: string | null;
  terraform_version: string | null;
  size: number;
  resource_count: number;
  content_md5: string | null;
  last_modified: number;
  created_at: number;
  updated_at: number;
}

export interface StateVersionsTable {
  id: string;
  organization_id: string;
  state_id: string;
  /** 1, 2, 3... per state; unique, so two concurrent writers cannot both claim the same slot. */
  version: number;
  serial: number;
  lineage: string;
  content: string;
  md5: string;
  size: number;
  /** observed | written | imported | removed | moved | rolled_back */
  action: string;
  reason: string | null;
  created_by: string | null;
  created_at: number;
}

/** One row per locked state: the primary key makes acquisition a single atomic insert. */
export interface StateLocksTable {
  state_id: string;
  organization_id: string;
  lock_id: string;
  operation: string;
  info: string;
  who: string;
  version: string;
  path: string;
  /** `Created` as terraform sent it (RFC 3339). */
  created: string;
  holder_user_id: string;
  created_at: number;
}

export interface DriftStateTables {
  state_backends: StateBackendsTable;
  state_files: StateFilesTable;
  state_versions: StateVersionsTable;
  state_locks: StateLocksTable;
}
