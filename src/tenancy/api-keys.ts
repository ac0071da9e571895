import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { AppError } from '../errors.js';
import { LOCKS, schema, withTransaction } from '../db/index.js';
import type { Db, Tx } from '../db/index.js';
import { ensureTenant } from './ensure-tenant.js';
import { isRole } from './principal.js';
import type { Principal, Role } from './principal.js';
import { cachePer } from './ttl-cache.js';

const { apiKeys } = schema;

/** A new key: `key` is the secret, shown once; only its SHA-256 is stored. */
export interface NewApiKey {
  id: string;
  key: string;
  tenant: string;
  roles: Role[];
}

/** A stored key as listed: never the secret, never its hash. */
export interface ApiKeyInfo {
  id: string;
  tenant: string;
  roles: Role[];
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface CreateApiKeyInput {
  tenant: string;
  roles: readonly Role[];
  label?: string;
}

const MAX_KEY_LENGTH = 256;
const BOOTSTRAP_TENANT = 'default';
/** A hot ingest path authenticates every request; a revoke elsewhere takes effect within this TTL. */
const principalCache = cachePer<Db, Principal>(5_000);

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Creates an API key for `tenant` (registering the tenant if new) and returns its secret once. */
export async function createApiKey(db: Db, input: CreateApiKeyInput, outer?: Tx): Promise<NewApiKey> {
  const roles = [...new Set(input.roles)];
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new AppError('invalid_request', 'roles must be one or more of ingest_writer, reader, admin.', {
      errors: [{ path: 'roles', message: 'must be one or more of ingest_writer, reader, admin' }],
    });
  }
  if (input.label !== undefined && input.label.length > 200) {
    throw new AppError('invalid_request', 'label must be at most 200 characters.', {
      errors: [{ path: 'label', message: 'must be at most 200 characters' }],
    });
  }
  const key = 'ck_' + randomBytes(32).toString('base64url');
  const id = 'key_' + randomBytes(9).toString('base64url');
  const keyHash = hashKey(key);
  await withTransaction(
    db,
    async (tx) => {
      await ensureTenant(tx, input.tenant);
      await tx
        .insert(apiKeys)
        .values({ id, tenant: input.tenant, roles, keyHash, label: input.label ?? null });
    },
    outer,
  );
  principalCache(db).delete(keyHash);
  return { id, key, tenant: input.tenant, roles };
}

/**
 * The principal of a live API key, or null. Unlike every other query this one cannot be scoped by
 * tenant: the key is what tells us the tenant.
 */
export async function authenticateApiKey(db: Db, key: string): Promise<Principal | null> {
  if (typeof key !== 'string' || !key.startsWith('ck_') || key.length > MAX_KEY_LENGTH) return null;
  const hash = hashKey(key);
  const cache = principalCache(db);
  const cached = cache.get(hash);
  if (cached) return cached;
  const since = cache.version();
  const [row] = await db.orm
    .select({ id: apiKeys.id, tenant: apiKeys.tenant, roles: apiKeys.roles, keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  const stored = Buffer.from(row.keyHash, 'hex');
  const given = Buffer.from(hash, 'hex');
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
  const principal: Principal = {
    tenant: row.tenant,
    roles: new Set(row.roles.filter(isRole)),
    keyId: row.id,
  };
  cache.set(hash, principal, since);
  return principal;
}

/** Lists keys (revoked ones too, with `revoked_at`) of `tenant`, or of every tenant for operators. */
export async function listApiKeys(db: Db, tenant?: string): Promise<ApiKeyInfo[]> {
  const rows = await db.orm
    .select({
      id: apiKeys.id,
      tenant: apiKeys.tenant,
      roles: apiKeys.roles,
      label: apiKeys.label,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(tenant === undefined ? undefined : eq(apiKeys.tenant, tenant))
    .orderBy(asc(apiKeys.tenant), asc(apiKeys.createdAt), asc(apiKeys.id));
  return rows.map((r) => ({
    id: r.id,
    tenant: r.tenant,
    roles: r.roles.filter(isRole),
    label: r.label,
    created_at: r.createdAt.toISOString(),
    revoked_at: r.revokedAt ? r.revokedAt.toISOString() : null,
  }));
}

/**
 * Revokes a live key (of `tenant`, when given: another tenant's key is "not found"). True when a
 * key was revoked now; false when unknown or already revoked.
 */
export async function revokeApiKey(db: Db, id: string, tenant?: string): Promise<boolean> {
  const byTenant = tenant === undefined ? undefined : eq(apiKeys.tenant, tenant);
  const rows = await db.orm
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), byTenant))
    .returning({ keyHash: apiKeys.keyHash });
  const cache = principalCache(db);
  for (const r of rows) cache.delete(r.keyHash);
  return rows.length > 0;
}

/**
 * On a fresh install (no API key at all, revoked ones included) creates an `admin` key for tenant
 * `default` and returns its secret, to be printed once; otherwise null. Concurrent starts create one.
 */
export async function ensureBootstrapAdminKey(db: Db): Promise<string | null> {
  return withTransaction(db, async (tx) => {
    await tx.execute(sql`set local lock_timeout = '30s'`);
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCKS.bootstrapKey.toString()}::bigint)`);
    const [existing] = await tx.select({ id: apiKeys.id }).from(apiKeys).limit(1);
    if (existing) return null;
    const created = await createApiKey(
      db,
      { tenant: BOOTSTRAP_TENANT, roles: ['admin'], label: 'bootstrap admin' },
      tx,
    );
    return created.key;
  });
}
