import type { MiddlewareHandler } from 'hono';
import type { Db } from '../db/index.js';
import { AppError } from '../errors.js';
import { hasRole, isKnownTable, type Role } from '../tenancy/index.js';
import type { AppEnv } from './app-env.js';

/**
 * For reads under `/tables/{table}/…` that do not look the table up themselves: 404 table_not_found
 * unless the caller's tenant has or had the table, so another tenant's table never shows (docs/contract.md §4).
 * The role is checked first, so a caller without it gets the route's 403 whatever the table.
 */
export function requireKnownTable(db: Db, role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!hasRole(principal, role)) throw new AppError('forbidden', `This needs the "${role}" role.`);
    const name = c.req.param('table') ?? '';
    if (!(await isKnownTable(db, principal.tenant, name))) {
      throw new AppError('table_not_found', `Table "${name}" does not exist.`);
    }
    return next();
  };
}
