import type { Principal, Role } from '../../server/types';
import type { PublicUser } from '../accounts/accounts.fns';

/** What the organizations feature needs from accounts (which owns users and organizations). */
export interface OrganizationMembersApi {
  organization(organizationId: string): Promise<{ id: string; name: string; created_at: string; member_count: number }>;
  listMembers(organizationId: string): Promise<PublicUser[]>;
  setRole(principal: Principal, userId: string, role: Role): Promise<PublicUser>;
  setActive(principal: Principal, userId: string, active: boolean): Promise<PublicUser>;
  removeMember(principal: Principal, userId: string): Promise<{ id: string; removed: boolean }>;
}
