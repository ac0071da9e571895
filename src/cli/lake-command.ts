import { Command } from 'commander';
import { busNames } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { TABLE_PATTERN, TENANT_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { collectGarbage, duckdbExpression, snapshotFiles } from '../lake/index.js';
import { createObjectStore, type ObjectStore } from '../store/index.js';
import type { Db } from '../db/index.js';
import { withDb } from './with-db.js';

interface FilesOpts {
  tenant: string;
  table: string;
  snapshot?: string;
  duckdb?: boolean;
  json?: boolean;
}

interface GcOpts {
  tenant?: string;
  table?: string;
  dryRun?: boolean;
}

const usage = (message: string) => new AppError('invalid_request', message);

async function withLake<T>(cfg: Config, fn: (db: Db, store: ObjectStore) => Promise<T>): Promise<T> {
  const store = createObjectStore(cfg);
  try {
    return await withDb(cfg, (db) => fn(db, store));
  } finally {
    await store.close();
  }
}

function checkNames(tenant: string | undefined, table: string | undefined): void {
  if (tenant !== undefined && !TENANT_PATTERN.test(tenant))
    throw usage(`--tenant must match ${TENANT_PATTERN.source}`);
  if (table !== undefined && !TABLE_PATTERN.test(table))
    throw usage(`--table must match ${TABLE_PATTERN.source}`);
}

/** `chainlake lake files | gc` (docs/contract.md §7): the safe set of files to read, and deleting orphans. */
export function lakeCommand(config: () => Config) {
  const lake = new Command('lake').description(
    'read the lake safely: the files of a snapshot, and orphan clean-up',
  );
  lake
    .command('files')
    .description(
      'print the Parquet files of a snapshot (default: the newest), one URL a line: the only safe set to read',
    )
    .option('--tenant <tenant>', 'tenant', 'default')
    .requiredOption('--table <table>', 'table')
    .option('--snapshot <id>', 'snapshot id (default: the newest)')
    .option('--duckdb', 'print a DuckDB read_parquet([...]) expression instead')
    .option('--json', 'print one JSON line per file: key, url, rows, bytes')
    .action(async (opts: FilesOpts) => {
      checkNames(opts.tenant, opts.table);
      const id = opts.snapshot === undefined ? undefined : Number(opts.snapshot);
      if (id !== undefined && (!/^\d{1,16}$/.test(opts.snapshot!) || id < 1))
        throw usage('--snapshot must be a snapshot id');
      const snap = await withLake(config(), (db, store) =>
        snapshotFiles(db, store, opts.tenant, opts.table, id),
      );
      if (opts.duckdb) process.stdout.write(duckdbExpression(snap.files.map((f) => f.url)) + '\n');
      else if (opts.json) for (const f of snap.files) process.stdout.write(JSON.stringify(f) + '\n');
      else for (const f of snap.files) process.stdout.write(f.url + '\n');
    });
  lake
    .command('gc')
    .description(
      'delete Parquet files that no snapshot references and that are older than the commit lease ' +
        '(CHAINLAKE_ACK_WAIT_MS); waits one lease before deleting',
    )
    .option('--tenant <tenant>', 'only this tenant (default: every tenant)')
    .option('--table <table>', 'only this table (needs --tenant)')
    .option('--dry-run', 'report the orphans, delete nothing')
    .action(async (opts: GcOpts) => {
      checkNames(opts.tenant, opts.table);
      if (opts.table !== undefined && opts.tenant === undefined) throw usage('--table needs --tenant');
      const cfg = config();
      const report = await withLake(cfg, (db, store) =>
        collectGarbage(
          {
            db,
            store,
            eventsStream: busNames(cfg.prefix).eventsStream,
            leaseMs: cfg.committer.ackWaitMs,
            sleep: (ms) => {
              process.stderr.write(
                `chainlake: waiting ${ms} ms (the commit lease) before deleting unreferenced files\n`,
              );
              return new Promise((done) => setTimeout(done, ms));
            },
          },
          { tenant: opts.tenant, table: opts.table, dryRun: opts.dryRun === true },
        ),
      );
      process.stdout.write(JSON.stringify(report) + '\n');
    });
  return lake;
}
