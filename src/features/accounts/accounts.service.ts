import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { SERVER_SCOPE, type SettingsStore } from '../../db/settings';
import { mapUniqueViolation } from '../../db/unique';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { sha256Hex, randomToken } from '../../lib/crypto';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Principal, Role } from '../../server/types';
import type { AccountsRepository, UserRow } from './accounts.repository';
import type { PasswordHasher } from './passwords';
import type { TokenIssuer } from './tokens';
import { toPublicUser, type PublicUser } from './accounts.fns';
import type { AuditApi } from '../audit/audit.api';
import type { LoginThrottle } from './login-throttle';
import { createMemberOperations } from './accounts-members';

/** Redeems an invitation inside the registration's transaction (implemented by the organizations feature). */
export interface InvitationRedeemer {
  redeem(token: string, email: string, userId: string, trx: Transaction<Database>): Promise<{ organizationId: string; role: Role; invitationId: string }>;
}

/** A failed login, as the threat engine is told about it (a brute force against Vigil becomes a threat). */
export interface FailedLogin {
  login: string;
  address: string | null;
  knownUser: boolean;
  at: number;
}

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  first_name?: string | null;
  last_name?: string | null;
  full_name?: string | null;
  name?: string | null;
  organization?: string | null;
  /** An invitation token: joins the inviting organization with the invited role. */
  invitation?: string | null;
}

/** Where a request came from (for the throttle and the audit trail). */
export interface RequestContext {
  address?: string | null;
}

export interface ProfilePatch {
  first_name?: string | null;
  last_name?: string | null;
  full_name?: string | null;
  name?: string | null;
}

const DEFAULT_ORG_KEY = 'default_organization_id';
const USER_CACHE_MS = 10_000;

export function createAccountsService(deps: {
  db: Kysely<Database>;
  repo: AccountsRepository;
  settings: SettingsStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  bus: EventBus;
  clock: Clock;
  refreshTtlSeconds: number;
  audit: AuditApi;
  throttle: LoginThrottle;
  invitations: InvitationRedeemer;
  /** Told about every failed login (after the answer is decided); never awaited by the login. */
  onLoginFailure?: (failure: FailedLogin) => void;
}) {
  const { repo, hasher, tokens, clock, bus, audit } = deps;
  const activeCache = new Map<string, { user: UserRow; at: number; profile?: PublicUser }>();

  async function defaultOrganizationId(): Promise<string> {
    const existing = await deps.settings.get<string | null>(SERVER_SCOPE, DEFAULT_ORG_KEY, null);
    if (existing) return existing;
    const id = newId();
    await repo.insertOrganization({ id, name: 'Default organization', created_at: clock.now() });
    const winner = await deps.settings.putIfAbsent(SERVER_SCOPE, DEFAULT_ORG_KEY, id);
    return winner;
  }

  async function createUser(input: RegisterInput, role: Role, organizationId: string): Promise<UserRow> {
    const user = await buildUser(input, role, organizationId);
    await mapUniqueViolation(() => repo.insertUser(user), 'A user with this username or email already exists');
    return user;
  }

  async function buildUser(input: RegisterInput, role: Role, organizationId: string): Promise<UserRow> {
    const now = clock.now();
    const fullName = input.full_name ?? input.name ?? joinName(input.first_name, input.last_name);
    const user: UserRow = {
      id: newId(),
      organization_id: organizationId,
      username: input.username,
      email: input.email.toLowerCase(),
      password_hash: await hasher.hash(input.password),
      first_name: input.first_name ?? null,
      last_name: input.last_name ?? null,
      full_name: fullName ?? null,
      role,
      is_active: 1,
      created_at: now,
      updated_at: now,
    };
    return user;
  }

  async function issueTokens(user: UserRow, familyId = newId()) {
    const refreshToken = `rt_${randomToken(32)}`;
    const now = clock.now();
    await repo.insertRefreshToken({
      id: newId(),
      user_id: user.id,
      family_id: familyId,
      token_hash: sha256Hex(refreshToken),
      expires_at: now + deps.refreshTtlSeconds * 1000,
      rotated_at: null,
      revoked_at: null,
      created_at: now,
    });
    const accessToken = await tokens.sign({
      sessionId: familyId,
      userId: user.id,
      organizationId: user.organization_id,
      role: user.role,
      username: user.username,
      email: user.email,
    });
    return {
      access_token: accessToken,
      token: accessToken,
      refresh_token: refreshToken,
      token_type: 'bearer' as const,
      expires_in: tokens.ttlSeconds,
      refresh_expires_in: deps.refreshTtlSeconds,
      user: toPublicUser(user),
    };
  }

  async function requireUser(id: string): Promise<UserRow> {
    const user = await repo.findUserById(id);
    if (!user) throw notFound('User');
    return user;
  }

  return {
    defaultOrganizationId,

    /**
     * Without an invitation the registrant gets an organization of their own (as its admin); with one, they join
     * the inviting organization with the invited role. Nobody lands in another organization uninvited.
     */
    async register(input: RegisterInput, options: { open: boolean } & RequestContext) {
      if (!options.open) throw new AppError({ code: 'INSUFFICIENT_PERMISSIONS', message: 'Registration is closed on this server' });
      let user: UserRow;
      let invitationId: string | null = null;
      if (input.invitation) {
        const token = input.invitation;
        user = await buildUser(input, 'member', '');
        await mapUniqueViolation(
          () =>
            deps.db.transaction().execute(async (trx) => {
              const redeemed = await deps.invitations.redeem(token, user.email, user.id, trx);
              user = { ...user, organization_id: redeemed.organizationId, role: redeemed.role };
              invitationId = redeemed.invitationId;
              await repo.insertUser(user, trx);
            }),
          'A user with this username or email already exists',
        );
      } else {
        const organizationId = newId();
        user = await buildUser(input, 'admin', organizationId);
        await mapUniqueViolation(
          () =>
            deps.db.transaction().execute(async (trx) => {
              await repo.insertOrganization({ id: organizationId, name: input.organization ?? `${input.username}'s organization`, created_at: clock.now() }, trx);
              await repo.insertUser(user, trx);
            }),
          'A user with this username or email already exists',
        );
      }
      const actor = { userId: user.id, username: user.username };
      if (invitationId) {
        await audit.record({ organizationId: user.organization_id, action: 'invitation.accepted', actor, address: options.address, target: { type: 'invitation', id: invitationId }, details: { role: user.role } });
      }
      await audit.record({ organizationId: user.organization_id, action: 'auth.registered', actor, address: options.address, target: { type: 'user', id: user.id }, details: { role: user.role, invited: Boolean(invitationId) } });
      bus.publish('user.registered', user.organization_id, { user_id: user.id, username: user.username });
      return toPublicUser(user);
    },

    /** Creates a user from the CLI or bootstrap, in the default organization unless one is given. */
    async createUser(input: RegisterInput, role: Role, organizationId?: string) {
      const user = await createUser(input, role, organizationId ?? (await defaultOrganizationId()));
      return toPublicUser(user);
    },

    /** Bootstrap admin: created when absent; an existing account is never overwritten silently. */
    async ensureAdmin(input: { username: string; email: string; password: string }) {
      const existing = (await repo.findUserByLogin(input.username)) ?? (await repo.findUserByLogin(input.email));
      if (existing) {
        const matches = existing.username === input.username && existing.email === input.email.toLowerCase();
        return { created: false, user: toPublicUser(existing), conflict: !matches || existing.role !== 'admin' };
      }
      const user = await createUser(input, 'admin', await defaultOrganizationId());
      return { created: true, user: toPublicUser(user), conflict: false };
    },

    /**
     * Checks the throttle first (429 + Retry-After while the account or address must wait), then the password.
     * Every outcome is audited; failures count towards the throttle and are reported to the threat engine.
     */
    async login(login: string, password: string, context: RequestContext = {}) {
      const address = context.address ?? null;
      const name = login.trim();
      try {
        await deps.throttle.check(name, address);
      } catch (error) {
        const user = await repo.findUserByLogin(name);
        const organizationId = user?.organization_id ?? (await defaultOrganizationId());
        await audit.record({ organizationId, action: 'auth.login', outcome: 'denied', actor: user ? { userId: user.id, username: user.username } : null, address, details: { login: name.slice(0, 254), reason: 'throttled' } });
        throw error;
      }
      const user = await repo.findUserByLogin(name);
      const ok = user ? await hasher.verify(user.password_hash, password) : (await hasher.verifyDummy(password), false);
      if (!user || !ok) {
        await deps.throttle.recordFailure(name, address);
        const organizationId = user?.organization_id ?? (await defaultOrganizationId());
        await audit.record({
          organizationId,
          action: 'auth.login',
          outcome: 'failure',
          actor: user ? { userId: user.id, username: user.username } : null,
          address,
          details: { login: name.slice(0, 254), reason: user ? 'wrong password' : 'unknown user' },
        });
        deps.onLoginFailure?.({ login: name.slice(0, 254), address, knownUser: Boolean(user), at: clock.now() });
        throw new AppError({ code: 'INVALID_CREDENTIALS', message: 'Invalid username or password' });
      }
      if (user.is_active !== 1) {
        await audit.record({ organizationId: user.organization_id, action: 'auth.login', outcome: 'denied', actor: { userId: user.id, username: user.username }, address, details: { reason: 'account disabled' } });
        throw new AppError({ code: 'ACCOUNT_DISABLED', message: 'This account is disabled' });
      }
      await deps.throttle.recordSuccess(name);
      await audit.record({ organizationId: user.organization_id, action: 'auth.login', actor: { userId: user.id, username: user.username }, address });
      return issueTokens(user);
    },

    /** Ends a login session: the refresh family of the given refresh token, or of the caller's access token. */
    async logout(principal: Principal, refreshToken?: string | null) {
      const now = clock.now();
      let familyId = principal.sessionId ?? null;
      if (refreshToken) {
        const row = await repo.findRefreshToken(sha256Hex(refreshToken));
        if (row && row.user_id === principal.userId) familyId = row.family_id;
      }
      if (familyId) await repo.revokeFamilyOfUser(principal.userId, familyId, now);
      await audit.record({ organizationId: principal.organizationId, action: 'auth.logout', actor: principal, target: { type: 'session', id: familyId } });
      return { logged_out: true, session_revoked: Boolean(familyId) };
    },

    /** Checks the current password, stores the new one and revokes every other session of the user. */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string) {
      const user = await requireUser(principal.userId);
      if (!(await hasher.verify(user.password_hash, currentPassword))) {
        await audit.record({ organizationId: user.organization_id, action: 'auth.password_changed', outcome: 'failure', actor: principal, target: { type: 'user', id: user.id } });
        throw new AppError({ code: 'INVALID_CREDENTIALS', message: 'The current password is not correct' });
      }
      const now = clock.now();
      await repo.updateUser(user.id, { password_hash: await hasher.hash(newPassword), updated_at: now });
      const revoked = await repo.revokeUserTokensExcept(user.id, principal.sessionId ?? null, now);
      activeCache.delete(user.id);
      await audit.record({ organizationId: user.organization_id, action: 'auth.password_changed', actor: principal, target: { type: 'user', id: user.id }, details: { other_sessions_revoked: revoked } });
      return { password_changed: true, other_sessions_revoked: revoked };
    },

    async refresh(refreshToken: string) {
      const invalid = () => new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Invalid or expired refresh token' });
      const row = await repo.findRefreshToken(sha256Hex(refreshToken));
      if (!row || row.revoked_at !== null) throw invalid();
      const now = clock.now();
      if (row.rotated_at !== null || !(await repo.markRotated(row.id, now))) {
        // A rotated token presented again means it leaked: end the whole session family.
        await repo.revokeFamily(row.family_id, now);
        throw new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Refresh token was already used; the session has been revoked' });
      }
      if (row.expires_at <= now) {
        await repo.revokeFamily(row.family_id, now);
        throw new AppError({ code: 'TOKEN_EXPIRED', message: 'Refresh token has expired' });
      }
      const user = await repo.findUserById(row.user_id);
      if (!user || user.is_active !== 1) throw invalid();
      return issueTokens(user, row.family_id);
    },

    /**
     * The caller's profile. The authenticator has just loaded the same row into the short-lived account cache
     * (cleared on every change made through this service, and on disable everywhere through the bus), so a
     * warm read needs no query; a change made on another instance shows here within USER_CACHE_MS.
     */
    async getProfile(userId: string): Promise<PublicUser> {
      const cached = activeCache.get(userId);
      if (cached && clock.now() - cached.at < USER_CACHE_MS) return (cached.profile ??= toPublicUser(cached.user));
      return toPublicUser(await requireUser(userId));
    },

    async updateProfile(userId: string, patch: ProfilePatch) {
      const user = await requireUser(userId);
      const next = {
        first_name: patch.first_name !== undefined ? patch.first_name : user.first_name,
        last_name: patch.last_name !== undefined ? patch.last_name : user.last_name,
        full_name: patch.full_name ?? patch.name ?? user.full_name,
      };
      if (patch.full_name === undefined && patch.name === undefined && (patch.first_name !== undefined || patch.last_name !== undefined)) {
        next.full_name = joinName(next.first_name, next.last_name) ?? user.full_name;
      }
      await repo.updateUser(userId, { ...next, updated_at: clock.now() });
      activeCache.delete(userId);
      return toPublicUser(await requireUser(userId));
    },

    /** Locks an account of the organization (DISABLE_USER playbook step): logins and tokens stop working. */
    async disableUser(organizationId: string, idOrName: string) {
      const user = await repo.findUserInOrg(organizationId, idOrName);
      if (!user) throw notFound('User');
      const now = clock.now();
      await repo.updateUser(user.id, { is_active: 0, updated_at: now });
      await repo.revokeUserTokens(user.id, now);
      activeCache.delete(user.id);
      bus.publish('user.disabled', organizationId, { user_id: user.id });
      return toPublicUser({ ...user, is_active: 0 });
    },

    async findUser(organizationId: string, idOrName: string) {
      const user = await repo.findUserInOrg(organizationId, idOrName);
      return user ? toPublicUser(user) : null;
    },

    async organization(organizationId: string) {
      const org = await repo.getOrganization(organizationId);
      if (!org) throw notFound('Organization');
      const members = await repo.listUsers(organizationId);
      return { id: org.id, name: org.name, created_at: new Date(Number(org.created_at)).toISOString(), member_count: members.length };
    },

    async listUsers(organizationId: string) {
      return (await repo.listUsers(organizationId)).map(toPublicUser);
    },

    /** The live account behind a token (cached briefly; a disable on any instance clears it through the bus). */
    async activeUser(userId: string): Promise<UserRow | null> {
      const cached = activeCache.get(userId);
      const now = clock.now();
      if (cached && now - cached.at < USER_CACHE_MS) return cached.user.is_active === 1 ? cached.user : null;
      const user = await repo.findUserById(userId);
      if (!user) {
        activeCache.delete(userId);
        return null;
      }
      activeCache.set(userId, { user, at: now });
      return user.is_active === 1 ? user : null;
    },

    forgetUser(userId: string) {
      activeCache.delete(userId);
    },

    ...createMemberOperations({ repo, clock, bus, audit, forget: (userId) => activeCache.delete(userId) }),
  };
}

function joinName(first?: string | null, last?: string | null): string | null {
  const joined = [first, last].filter((part) => part && part.trim()).join(' ');
  return joined === '' ? null : joined;
}

export type AccountsService = ReturnType<typeof createAccountsService>;
