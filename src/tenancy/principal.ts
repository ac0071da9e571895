/** The roles of docs/contract.md §4; `admin` includes the other two. */
export const ROLES = ['ingest_writer', 'reader', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** Who is calling: a tenant, its granted roles, and the API key that proved it (null with auth off). */
export interface Principal {
  tenant: string;
  roles: ReadonlySet<Role>;
  keyId: string | null;
}

/** True for the three role names. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `p` may act as `role`; `admin` includes `reader` and `ingest_writer`. */
export function hasRole(p: Principal, role: Role): boolean {
  return p.roles.has(role) || p.roles.has('admin');
}

/** The caller with auth turned off (development only): every role for the requested tenant. */
export function devPrincipal(tenant: string): Principal {
  return { tenant, roles: new Set(ROLES), keyId: null };
}
