export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  username: string;
  email: string;
  password_hash: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  role: 'admin' | 'member' | 'viewer';
  is_active: number;
  created_at: number;
  updated_at: number;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: number;
  /** Set when the token was exchanged for a new one; presenting it again revokes the family. */
  rotated_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  permissions: string;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

/** Small server-wide key/value settings (e.g. per-organization configuration documents). */
export interface SettingsTable {
  organization_id: string;
  key: string;
  value: string;
  updated_at: number;
}

export interface CoreTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
}
