import { Command } from 'commander';
import type { Config } from '../config/index.js';
import { TABLE_PATTERN, TENANT_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { listRejections, MAX_REJECTIONS_LIMIT, redriveRejection } from '../rejections/index.js';
import { withBus } from './with-bus.js';
import { withDb } from './with-db.js';

/** `chainlake rejections list [--tenant T] [--table X] [--limit N] | redrive ID [--tenant T]`. */
export function rejectionsCommand(config: () => Config) {
  const cmd = new Command('rejections').description('inspect and re-drive messages that were rejected');
  cmd
    .command('list')
    .description('one JSON line per rejection, newest first')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--table <table>', 'only this table')
    .option('--limit <n>', `at most this many (up to ${MAX_REJECTIONS_LIMIT})`, '100')
    .action(async (opts: { tenant: string; table?: string; limit: string }) => {
      checkTenant(opts.tenant);
      if (opts.table !== undefined && !TABLE_PATTERN.test(opts.table))
        throw usage(`--table must match ${TABLE_PATTERN.source}`);
      const limit = Number(opts.limit);
      if (!/^\d+$/.test(opts.limit) || limit < 1 || limit > MAX_REJECTIONS_LIMIT)
        throw usage(`--limit must be a whole number from 1 to ${MAX_REJECTIONS_LIMIT}`);
      const list = await withDb(config(), (db) =>
        listRejections(db, opts.tenant, { table: opts.table, limit }),
      );
      for (const r of list) process.stdout.write(JSON.stringify(r) + '\n');
    });
  cmd
    .command('redrive <id>')
    .description(
      'publish a rejected raw message again (new msg id redrive.{id}.{n}); its outcome follows on the outcome subject',
    )
    .option('--tenant <tenant>', 'tenant', 'default')
    .action(async (id: string, opts: { tenant: string }) => {
      checkTenant(opts.tenant);
      const cfg = config();
      const done = await withBus(cfg, 'chainlake-redrive', (bus) =>
        withDb(cfg, (db) => redriveRejection({ db, bus }, opts.tenant, id)),
      );
      process.stdout.write(
        JSON.stringify({ id: done.id, table: done.table, msg_id: done.msgId, raw_seq: done.rawSeq }) + '\n',
      );
    });
  return cmd;
}

function checkTenant(tenant: string) {
  if (!TENANT_PATTERN.test(tenant)) throw usage(`--tenant must match ${TENANT_PATTERN.source}`);
}

// runCli prints an AppError as one line and exits 2.
const usage = (message: string) => new AppError('invalid_request', message);
