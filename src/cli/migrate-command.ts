import { Command } from 'commander';
import { ensureStreams } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { createDb, migrateDb } from '../db/index.js';
import { describeStartFailure } from './describe-failure.js';
import { withBus } from './with-bus.js';

/** `chainlake migrate`: creates and migrates the database and creates/updates the streams; no seal key. */
export function migrateCommand(config: () => Config) {
  return new Command('migrate')
    .description('create and migrate the database (DATABASE_URL) and create/update the streams (NATS_URL)')
    .action(async () => {
      const cfg = config();
      try {
        const db = await createDb(cfg.databaseUrl, { max: 2 });
        try {
          await migrateDb(db);
        } finally {
          await db.close();
        }
      } catch (err) {
        throw describeStartFailure(err, cfg) ?? err;
      }
      await withBus(cfg, 'chainlake-migrate', (bus) => ensureStreams(bus, cfg.stream));
      process.stdout.write('migrated: database and streams are up to date\n');
    });
}
