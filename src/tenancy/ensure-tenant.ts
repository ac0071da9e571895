import { AppError } from '../errors.js';
import { TENANT_PATTERN } from '../contracts/index.js';
import { schema } from '../db/index.js';
import type { Queryable } from '../db/index.js';

/** Throws invalid_request unless `tenant` matches the contract's tenant pattern. */
export function assertTenant(tenant: string): void {
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
    throw new AppError('invalid_request', 'The tenant must match ^[a-z0-9][a-z0-9_-]{0,62}$.', {
      errors: [{ path: 'tenant', message: 'must match ^[a-z0-9][a-z0-9_-]{0,62}$' }],
    });
  }
}

/** Registers `tenant` in the tenants table if it is new. */
export async function ensureTenant(q: Queryable, tenant: string): Promise<void> {
  assertTenant(tenant);
  await q.insert(schema.tenants).values({ id: tenant }).onConflictDoNothing();
}
