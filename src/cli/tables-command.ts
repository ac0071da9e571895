import { Command } from 'commander';
import type { Config } from '../config/index.js';
import { CreateTableSchema, parseOrThrow } from '../contracts/index.js';
import { createTable, listTables } from '../tenancy/index.js';
import { withDb } from './with-db.js';

/** `chainlake tables create NAME [--columns name:type[!],…] | list` (--tenant T, default "default"). */
export function tablesCommand(config: () => Config) {
  const tables = new Command('tables').description('create and list tables (in DATABASE_URL)');
  tables
    .command('create <name>')
    .description('create a table, optionally with declared columns; prints it as JSON')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--columns <columns>', 'declared columns, e.g. model:string,tokens:int64 (append ! for required)')
    .option('--description <text>', 'description', '')
    .action(async (name: string, opts: { tenant: string; columns?: string; description: string }) => {
      const columns = (opts.columns ?? '')
        .split(',')
        .filter(Boolean)
        .map((spec) => {
          const [colName, rawType = ''] = spec.split(':');
          const required = rawType.endsWith('!');
          return { name: colName, type: rawType.replace(/!$/, ''), required };
        });
      const def = parseOrThrow(
        CreateTableSchema,
        { name, description: opts.description, columns },
        'table definition',
      );
      const table = await withDb(config(), (db) => createTable(db, opts.tenant, def));
      process.stdout.write(JSON.stringify(table) + '\n');
    });
  tables
    .command('list')
    .description('one JSON line per table of the tenant')
    .option('--tenant <tenant>', 'tenant', 'default')
    .action(async (opts: { tenant: string }) => {
      const list = await withDb(config(), (db) => listTables(db, opts.tenant));
      for (const t of list) process.stdout.write(JSON.stringify(t) + '\n');
    });
  return tables;
}
