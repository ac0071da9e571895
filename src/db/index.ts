/** @module db: the Postgres client, schema and migrations; a leaf: imports nothing else from src but types. */
export { createDb, ensureDatabase } from './create-db.js';
export type { Db, CreateDbOptions } from './create-db.js';
export { migrateDb } from './migrate.js';
export { pendingMigrations } from './pending-migrations.js';
export { withTransaction } from './with-transaction.js';
export type { Tx, Queryable } from './with-transaction.js';
export { isConnectionError, pgErrorCode } from './is-connection-error.js';
export { parseDatabaseUrl, withDatabase, quoteIdent } from './connection-url.js';
export { LOCKS, withAdvisoryLock } from './advisory-lock.js';
export * as schema from './schema.js';
