import { readFile } from 'node:fs/promises';
import type { Db } from './create-db.js';

/** The same folder migrateDb applies, resolved from this file (src/db or dist/db). */
const JOURNAL = new URL('../../drizzle/meta/_journal.json', import.meta.url);

/**
 * How many migrations of `drizzle/` the database has not applied yet (all of them for a database
 * chainlake never migrated), by drizzle's own rule: a migration is applied when its `when` is not
 * after the newest `created_at` in `drizzle.__drizzle_migrations`. Reads only; creates nothing.
 */
export async function pendingMigrations(db: Db): Promise<number> {
  const journal = JSON.parse(await readFile(JOURNAL, 'utf8')) as { entries: { when: number }[] };
  const [table] = await db.sql<{ exists: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
  if (!table?.exists) return journal.entries.length;
  const [row] = await db.sql<{ last: string | null }[]>`
    select max(created_at)::text as last from drizzle.__drizzle_migrations`;
  const last = row?.last == null ? -Infinity : Number(row.last);
  return journal.entries.filter((e) => e.when > last).length;
}
