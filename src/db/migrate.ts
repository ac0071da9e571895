import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { LOCKS, withAdvisoryLock } from './advisory-lock.js';
import { databaseUrlOf, openClient } from './create-db.js';
import type { Db } from './create-db.js';

/** Resolved from this file, not the working directory, so `chainlake migrate` works from anywhere. */
const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
const LOCK_TIMEOUT_MS = 120_000;

/**
 * Applies the pending migrations in `drizzle/`. Idempotent; concurrent callers (several processes
 * starting at once) serialise on an advisory lock, so exactly one applies each migration.
 */
export async function migrateDb(db: Db): Promise<void> {
  const url = databaseUrlOf(db);
  if (url) {
    // One dedicated connection holds the session lock and runs drizzle's statements.
    const client = openClient(url, { max: 1 });
    try {
      await withAdvisoryLock(client, LOCKS.migrate, LOCK_TIMEOUT_MS, () =>
        migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER }),
      );
    } finally {
      await client.end({ timeout: 5 });
    }
    return;
  }
  // A Db made elsewhere: hold the lock on a reserved connection, migrate on the rest of the pool.
  const reserved = await db.sql.reserve();
  try {
    await withAdvisoryLock(reserved, LOCKS.migrate, LOCK_TIMEOUT_MS, () =>
      migrate(db.orm, { migrationsFolder: MIGRATIONS_FOLDER }),
    );
  } finally {
    reserved.release();
  }
}
