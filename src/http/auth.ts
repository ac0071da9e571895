import type { MiddlewareHandler } from 'hono';
import { TENANT_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { devPrincipal, hasRole, type Principal, type Role } from '../tenancy/index.js';
import type { AppEnv } from './app-env.js';

export interface AuthOptions {
  enabled: boolean;
  authenticate(key: string): Promise<Principal | null>;
}

/** Resolves the caller: a Bearer API key, or with auth off the X-Tenant-ID header (docs/contract.md §4). */
export function authenticate(opts: AuthOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenantHeader = c.req.header('x-tenant-id');
    if (!opts.enabled) {
      const tenant = tenantHeader ?? 'default';
      if (!TENANT_PATTERN.test(tenant))
        throw new AppError('invalid_request', 'X-Tenant-ID must match ^[a-z0-9][a-z0-9_-]{0,62}$.');
      c.set('principal', devPrincipal(tenant));
      return next();
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer ck_…".');
    const principal = await opts.authenticate(match[1]!);
    if (!principal) throw new AppError('unauthorized', 'The API key is unknown or revoked.');
    if (tenantHeader !== undefined && tenantHeader !== principal.tenant) {
      throw new AppError('forbidden', "X-Tenant-ID does not match the API key's tenant.");
    }
    c.set('principal', principal);
    return next();
  };
}

/** Refuses callers without `role` (admin includes every role). */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!hasRole(c.get('principal'), role)) throw new AppError('forbidden', `This needs the "${role}" role.`);
    return next();
  };
}
