import { Command } from 'commander';
import type { Config } from '../config/index.js';
import { closeServices, openServices } from '../main.js';

/** `chainlake migrate`: applies the Postgres migrations and creates/updates the JetStream streams. */
export function migrateCommand(config: () => Config) {
  return new Command('migrate')
    .description('apply database migrations and create/update streams')
    .action(async () => {
      const services = await openServices(config());
      await closeServices(services);
      process.stdout.write('migrated: database and streams are up to date\n');
    });
}
