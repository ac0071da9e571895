import type { Config } from '../config/index.js';
import { redactUrl } from '../config/index.js';
import { createDb, pendingMigrations, pgErrorCode, type Db } from '../db/index.js';
import { CliError } from './cli-error.js';
import { describeStartFailure } from './describe-failure.js';

/**
 * Runs a CLI action against an existing, migrated database. It never creates or migrates one (only
 * `serve` and `migrate` do): a missing or unmigrated database is a one-line error naming DATABASE_URL.
 */
export async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const shown = redactUrl(config.databaseUrl);
  let db: Db;
  try {
    db = await createDb(config.databaseUrl, { max: 2, createIfMissing: false });
  } catch (err) {
    if (pgErrorCode(err) === '3D000') {
      throw new CliError(
        `the database ${shown} (DATABASE_URL) does not exist; start chainlake or run \`chainlake migrate\` first`,
      );
    }
    throw describeStartFailure(err, config) ?? err;
  }
  try {
    const pending = await pendingMigrations(db);
    if (pending > 0) {
      throw new CliError(
        `the database ${shown} (DATABASE_URL) lacks ${pending} chainlake migration(s); run \`chainlake migrate\` first`,
      );
    }
    return await fn(db);
  } finally {
    await db.close();
  }
}
