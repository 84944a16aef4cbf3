/** Tables of the web console (owned by src/features/console). */

/** A signed-in browser. The cookie carries a random token; only its SHA-256 is stored. */
export interface ConsoleSessionsTable {
  id: string;
  token_hash: string;
  /** Synchronizer token every state-changing form of this session must carry. */
  csrf_token: string;
  user_id: string;
  organization_id: string;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionsTable;
}
