import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { ColumnDef } from '../contracts/index.js';
import { BUILTIN_COLUMNS, TABLE_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { isConnectionError, schema, withTransaction } from '../db/index.js';
import type { Db } from '../db/index.js';
import { assertTenant, ensureTenant } from './ensure-tenant.js';
import { cachePer } from './ttl-cache.js';

const { lakeTables } = schema;

/** A table of the catalog as the API shows it. */
export interface TableInfo {
  name: string;
  description: string;
  columns: ColumnDef[];
  /** ISO 8601; a revived table has the time it was re-created. */
  created_at: string;
}

export interface TableDef {
  name: string;
  description?: string;
  columns: ColumnDef[];
}

const COLUMN_TYPES: ReadonlySet<string> = new Set([
  'string',
  'int64',
  'double',
  'boolean',
  'timestamp',
  'json',
]);
/** Ingest looks a table up per batch; a delete elsewhere takes effect within this TTL. */
const liveTableCache = cachePer<Db, TableInfo | null>(1_000);

const cacheKey = (tenant: string, name: string) => `${tenant}\u0000${name}`;

const live = (tenant: string, name: string) =>
  and(eq(lakeTables.tenant, tenant), eq(lakeTables.name, name), isNull(lakeTables.deletedAt));

function toInfo(row: typeof lakeTables.$inferSelect): TableInfo {
  return {
    name: row.name,
    description: row.description,
    columns: row.columns,
    created_at: row.createdAt.toISOString(),
  };
}

function invalid(path: string, message: string): AppError {
  return new AppError('invalid_request', `${path} ${message}.`, { errors: [{ path, message }] });
}

/** Callers validate with the contract's schema; this guard keeps a bad definition out of the catalog. */
function checkDef(def: TableDef): ColumnDef[] {
  if (!TABLE_PATTERN.test(def.name)) throw invalid('/name', 'must match ^[a-z][a-z0-9_]{0,62}$');
  if (!Array.isArray(def.columns)) throw invalid('/columns', 'must be an array');
  const seen = new Set<string>();
  return def.columns.map((c, i) => {
    if (!TABLE_PATTERN.test(c.name)) throw invalid(`/columns/${i}/name`, 'must match ^[a-z][a-z0-9_]{0,62}$');
    if ((BUILTIN_COLUMNS as readonly string[]).includes(c.name))
      throw invalid(`/columns/${i}/name`, 'is a built-in column name');
    if (seen.has(c.name)) throw invalid(`/columns/${i}/name`, 'is declared twice');
    if (!COLUMN_TYPES.has(c.type))
      throw invalid(`/columns/${i}/type`, 'must be one of string, int64, double, boolean, timestamp, json');
    seen.add(c.name);
    return { name: c.name, type: c.type, required: c.required === true };
  });
}

/**
 * Creates a table of `tenant`: 409 table_exists while a live one has the name; a deleted one is
 * revived with the new definition (its stored data and sessions were kept).
 */
export async function createTable(db: Db, tenant: string, def: TableDef): Promise<TableInfo> {
  assertTenant(tenant);
  const columns = checkDef(def);
  const description = def.description ?? '';
  const row = await withTransaction(db, async (tx) => {
    await ensureTenant(tx, tenant);
    // One statement: insert, or take over a deleted row; a live row makes it return nothing.
    const [created] = await tx
      .insert(lakeTables)
      .values({ tenant, name: def.name, description, columns })
      .onConflictDoUpdate({
        target: [lakeTables.tenant, lakeTables.name],
        set: { description, columns, createdAt: sql`now()`, deletedAt: null },
        setWhere: isNotNull(lakeTables.deletedAt),
      })
      .returning();
    return created;
  });
  liveTableCache(db).delete(cacheKey(tenant, def.name));
  if (!row) throw new AppError('table_exists', `Table "${def.name}" already exists.`);
  return toInfo(row);
}

/** The live tables of `tenant`, by name. */
export async function listTables(db: Db, tenant: string): Promise<TableInfo[]> {
  const rows = await db.orm
    .select()
    .from(lakeTables)
    .where(and(eq(lakeTables.tenant, tenant), isNull(lakeTables.deletedAt)))
    .orderBy(asc(lakeTables.name));
  return rows.map(toInfo);
}

/** A live table of `tenant`, or null (deleted, unknown, or another tenant's). */
export async function getTable(db: Db, tenant: string, name: string): Promise<TableInfo | null> {
  if (typeof name !== 'string' || !TABLE_PATTERN.test(name)) return null;
  const [row] = await db.orm.select().from(lakeTables).where(live(tenant, name)).limit(1);
  return row ? toInfo(row) : null;
}

/** Whether `tenant` has or had (deleted: its data stays readable) a table of that name. */
export async function isKnownTable(db: Db, tenant: string, name: string): Promise<boolean> {
  if (typeof name !== 'string' || !TABLE_PATTERN.test(name)) return false;
  const [row] = await db.orm
    .select({ name: lakeTables.name })
    .from(lakeTables)
    .where(and(eq(lakeTables.tenant, tenant), eq(lakeTables.name, name)))
    .limit(1);
  return row !== undefined;
}

/** `getTable` behind a 1 s cache, for the per-batch lookup of ingest; local changes invalidate it. */
export async function findLiveTable(db: Db, tenant: string, name: string): Promise<TableInfo | null> {
  const cache = liveTableCache(db);
  const key = cacheKey(tenant, name);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const since = cache.version();
  try {
    const table = await getTable(db, tenant, name);
    cache.set(key, table, since);
    return table;
  } catch (err) {
    // While Postgres is down the log can still take batches of tables this process knows.
    const stale = cache.stale(key);
    if (stale && isConnectionError(err)) return stale;
    throw err;
  }
}

/** Soft-deletes a live table (data, replay and files stay); false when there is none. */
export async function deleteTable(db: Db, tenant: string, name: string): Promise<boolean> {
  if (typeof name !== 'string' || !TABLE_PATTERN.test(name)) return false;
  const rows = await db.orm
    .update(lakeTables)
    .set({ deletedAt: sql`now()` })
    .where(live(tenant, name))
    .returning({ name: lakeTables.name });
  liveTableCache(db).delete(cacheKey(tenant, name));
  return rows.length > 0;
}
