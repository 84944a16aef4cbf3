import type { Clock } from '../../lib/clock';
import { constantTimeEqual, randomToken, sha256Hex } from '../../lib/crypto';
import { newId } from '../../lib/ids';
import type { Role } from '../../server/types';
import type { SessionsRepository } from './sessions.repository';

export interface ConsoleUser {
  id: string;
  organizationId: string;
  role: Role;
  username: string;
  email: string;
}

export interface ConsoleSession {
  id: string;
  csrfToken: string;
  user: ConsoleUser;
}

/** What the console needs from the accounts feature: its login (with its throttling) and the live user row. */
export interface ConsoleAccounts {
  login(login: string, password: string): Promise<{ user: { id: string } }>;
  activeUser(userId: string): Promise<{ id: string; organization_id: string; role: Role; username: string; email: string } | null>;
}

const TOUCH_EVERY_MS = 60_000;

/**
 * Cookie sessions of the console. The browser holds a random token; the database holds its SHA-256, the CSRF
 * token and the expiry (sliding). Every request re-reads the user, so a disabled account or a changed role
 * takes effect at once.
 */
export function createSessionsService(deps: { repo: SessionsRepository; accounts: ConsoleAccounts; clock: Clock; ttlSeconds: number }) {
  const { repo, accounts, clock } = deps;
  const ttlMs = deps.ttlSeconds * 1000;

  return {
    ttlSeconds: deps.ttlSeconds,

    /** Verifies the password through the accounts service (same throttling and lockout as the API) and opens a new session. */
    async signIn(login: string, password: string, userAgent: string | null) {
      const result = await accounts.login(login, password);
      const user = await accounts.activeUser(result.user.id);
      if (!user) throw new Error('the account vanished during sign-in');
      const token = randomToken(32);
      const now = clock.now();
      const session = {
        id: newId(),
        token_hash: sha256Hex(token),
        csrf_token: randomToken(24),
        user_id: user.id,
        organization_id: user.organization_id,
        user_agent: userAgent ? userAgent.slice(0, 300) : null,
        created_at: now,
        last_seen_at: now,
        expires_at: now + ttlMs,
        revoked_at: null,
      };
      await repo.insert(session);
      return { token, sessionId: session.id };
    },

    async resolve(token: string | undefined): Promise<ConsoleSession | null> {
      if (!token || token.length > 200) return null;
      const row = await repo.findByTokenHash(sha256Hex(token));
      const now = clock.now();
      if (!row || row.revoked_at !== null || Number(row.expires_at) <= now) return null;
      const user = await accounts.activeUser(row.user_id);
      if (!user || user.organization_id !== row.organization_id) return null;
      if (now - Number(row.last_seen_at) > TOUCH_EVERY_MS) await repo.touch(row.id, now, now + ttlMs);
      return {
        id: row.id,
        csrfToken: row.csrf_token,
        user: { id: user.id, organizationId: user.organization_id, role: user.role, username: user.username, email: user.email },
      };
    },

    async signOut(sessionId: string) {
      await repo.revoke(sessionId, clock.now());
    },

    csrfMatches(session: ConsoleSession, submitted: unknown) {
      return typeof submitted === 'string' && submitted.length > 0 && constantTimeEqual(submitted, session.csrfToken);
    },

    async purgeExpired() {
      await repo.deleteExpired(clock.now());
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
