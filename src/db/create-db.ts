import net from 'node:net';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema.js';
import { parseDatabaseUrl, quoteIdent } from './connection-url.js';
import { pgErrorCode } from './is-connection-error.js';
import { withAcquireDeadline } from './acquire-deadline.js';
import { RetryAfterError } from '../errors.js';

/** A connection pool and the drizzle client over it. */
export interface Db {
  sql: postgres.Sql;
  orm: PostgresJsDatabase<typeof schema>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Each new connection must be ready within this (default 5000 ms); the first one within twice it. */
  connectTimeoutMs?: number;
  /** Deadline of every statement (Postgres `statement_timeout`); unset: none (committer, migrations, CLI). */
  deadlineMs?: number;
  /** A query not on a connection within this fails (postgres.js has no acquire timeout); unset: none. */
  acquireMs?: number;
  /** Create the database when it does not exist (default true); false: fail with SQLSTATE 3D000. */
  createIfMissing?: boolean;
}

/** How each Db was opened, so migrateDb can open a dedicated one-connection client to the same place. */
const openedWith = new WeakMap<Db, string>();

/** The URL a Db was created from (undefined for a Db not made by createDb). */
export function databaseUrlOf(db: Db): string | undefined {
  return openedWith.get(db);
}

/**
 * Opens a postgres.js client with chainlake's settings: Nagle off (a COPY otherwise stalls ~45 ms
 * on a delayed TCP ack, see platform notes), short connect timeout, notices silenced.
 */
export function openClient(databaseUrl: string, opts: CreateDbOptions = {}): postgres.Sql {
  const { tcp } = parseDatabaseUrl(databaseUrl);
  const deadline = opts.deadlineMs ? { statement_timeout: String(opts.deadlineMs) } : {};
  return postgres(databaseUrl, {
    max: opts.max ?? 10,
    connect_timeout: (opts.connectTimeoutMs ?? 5000) / 1000,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: 'chainlake', ...deadline } as Record<string, string>,
    // postgres.js writes the startup message as soon as this returns; net buffers it until connected.
    ...(tcp ? { socket: () => net.connect({ host: tcp.host, port: tcp.port, noDelay: true }) } : {}),
  });
}

/** Creates the database of `databaseUrl` when missing; tolerates another process creating it first. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const { database, maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  if (database === '' || database === 'postgres') return;
  const admin = openClient(maintenanceUrl, { max: 1 });
  try {
    const [row] = await admin`select 1 as ok from pg_database where datname = ${database}`;
    if (row) return;
    await admin.unsafe(`CREATE DATABASE ${quoteIdent(database)}`);
  } catch (err) {
    // 42P04 duplicate_database: lost the race to another process; 23505 can surface for the same race.
    const code = pgErrorCode(err);
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Connects to `databaseUrl`, creating the database first when it does not exist yet. */
export async function createDb(databaseUrl: string, opts: CreateDbOptions = {}): Promise<Db> {
  const raw = openClient(databaseUrl, opts);
  const sql = opts.acquireMs ? withAcquireDeadline(raw, opts.acquireMs) : raw;
  const startupMs = 2 * (opts.connectTimeoutMs ?? 5000);
  try {
    await withinStartup(databaseUrl, startupMs, async () => {
      try {
        await raw`select 1`;
      } catch (err) {
        // 3D000 invalid_catalog_name: missing database
        if (pgErrorCode(err) !== '3D000' || opts.createIfMissing === false) throw err;
        await ensureDatabase(databaseUrl);
        await raw`select 1`;
      }
    });
  } catch (err) {
    await raw.end({ timeout: 0 });
    throw err;
  }
  const orm = drizzle(sql, { schema });
  const db: Db = {
    sql,
    orm,
    close: () => sql.end({ timeout: 5 }),
  };
  openedWith.set(db, databaseUrl);
  return db;
}

/**
 * postgres.js retries a host that accepts TCP but never answers well past `connect_timeout`: bound the
 * first connection, and say in one line which service and variable (contract §7).
 */
async function withinStartup(databaseUrl: string, ms: number, work: () => Promise<void>): Promise<void> {
  const { tcp } = parseDatabaseUrl(databaseUrl);
  const where = tcp ? `${tcp.host}:${tcp.port}` : 'the configured host';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RetryAfterError(`Postgres at ${where} (DATABASE_URL) did not answer within ${ms / 1000} s`, 2),
        ),
      ms,
    );
  });
  try {
    await Promise.race([work(), deadline]);
  } catch (err) {
    if (err instanceof RetryAfterError || pgErrorCode(err) !== undefined) throw err;
    const why = (err as Error).message?.split('\n')[0] ?? String(err);
    throw new RetryAfterError(`Postgres at ${where} (DATABASE_URL) cannot be reached: ${why}`, 2, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
}
