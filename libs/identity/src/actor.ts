export type Role = 'admin' | 'tenant-admin' | 'viewer';

export const ROLES: readonly Role[] = ['admin', 'tenant-admin', 'viewer'];

/** Who is calling the management API: an operator through a session cookie, or an API token acting for its operator. */
export interface Actor {
  kind: 'operator' | 'token';
  operatorId: string;
  email: string;
  role: Role;
  /** null for admin */
  tenantId: string | null;
  /** when authenticated by an API token */
  tokenId?: string;
  /** true when the operator signed in with a reset (one-time) password: they must change it first */
  mustChangePassword?: boolean;
}

/** Who changed something outside any sign-in: the `npm run cm` command line on the server. */
export interface SystemActor {
  kind: 'system';
  /** what the audit log shows as the actor, e.g. `cli:reset-password (root@host)` */
  email: string;
}

/** admin: every tenant; tenant-admin and viewer: only their own. Answer 404 (never 403) for another tenant's object. */
export function canAccessTenant(actor: Actor, tenantId: string): boolean {
  return actor.role === 'admin' || (actor.tenantId !== null && actor.tenantId === tenantId);
}

/** Tenant ids the actor may see, or 'all' for admin. */
export function visibleTenants(actor: Actor): 'all' | string[] {
  if (actor.role === 'admin') return 'all';
  return actor.tenantId === null ? [] : [actor.tenantId];
}
