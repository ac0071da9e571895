import type { Config } from '../config/index.js';
import { createDb, migrateDb, type Db } from '../db/index.js';

/** Runs a CLI action against the (migrated) database only. */
export async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await createDb(config.databaseUrl, { max: 2 });
  try {
    await migrateDb(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}
