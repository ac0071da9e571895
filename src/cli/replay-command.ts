import { once } from 'node:events';
import { Command, Option } from 'commander';
import { busNames } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { SESSION_ID_PATTERN, TABLE_PATTERN, TENANT_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { readLakeRecords, replayFromLog, replayStream, type SessionKey } from '../replay/index.js';
import { recordText } from '../wire/index.js';
import { createObjectStore } from '../store/index.js';
import { CliError } from './cli-error.js';
import { withBus } from './with-bus.js';
import { withDb } from './with-db.js';

interface ReplayOpts {
  tenant: string;
  table: string;
  session: string;
  afterSeq: string;
  from: 'db' | 'nats' | 'lake';
}

/** Writes with backpressure, so a large replay piped into a slow reader stays in bounded memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** `chainlake replay --tenant T --table X --session S [--after-seq N] [--from db|nats|lake]`: NDJSON to stdout. */
export function replayCommand(config: () => Config) {
  return new Command('replay')
    .description('print a session as NDJSON records (the same records as the API replay)')
    .option('--tenant <tenant>', 'tenant', 'default')
    .requiredOption('--table <table>', 'table')
    .requiredOption('--session <session>', 'session id')
    .option('--after-seq <n>', 'only records after this seq', '0')
    .addOption(
      new Option(
        '--from <source>',
        "db: committed records; nats: the log's retained window (CHAINLAKE_LOG_RETENTION), committed or not; lake: the latest snapshot's Parquet files",
      )
        .choices(['db', 'nats', 'lake'])
        .default('db'),
    )
    .action(async (opts: ReplayOpts) => {
      const key = parseKey(opts);
      const afterSeq = Number(opts.afterSeq);
      if (!/^\d{1,16}$/.test(opts.afterSeq) || !Number.isSafeInteger(afterSeq))
        throw usage('--after-seq must be a whole number');
      const cfg = config();
      if (opts.from === 'nats') {
        await withBus(cfg, 'chainlake-replay', async (bus) => {
          try {
            for await (const chunk of replayFromLog(bus, key, afterSeq)) await write(chunk);
          } catch (err) {
            if (!/stream not found/i.test((err as Error).message)) throw err;
            const shown = `${bus.names.eventsStream} (CHAINLAKE_PREFIX=${cfg.prefix})`;
            throw new CliError(
              `NATS has no stream ${shown}; start chainlake or run \`chainlake migrate\` first`,
            );
          }
        });
        return;
      }
      if (opts.from === 'lake') {
        const store = createObjectStore(cfg);
        try {
          await withDb(cfg, async (db) => {
            const lake = await readLakeRecords(db, store, key);
            for (const r of lake.records)
              if (r.seq > afterSeq) await write(recordText(key.table, key.sessionId, r) + '\n');
            for (const p of lake.problems)
              process.stderr.write(`lake: seq ${p.seq} ${p.code}: ${p.detail}\n`);
          });
        } finally {
          await store.close();
        }
        return;
      }
      await withDb(cfg, async (db) => {
        const replay = await replayStream({ db, stream: busNames(cfg.prefix).eventsStream }, key, {
          afterSeq,
        });
        for await (const chunk of replay.chunks) await write(chunk);
        process.stderr.write(`replayed at watermark ${replay.watermark}\n`);
      });
    });
}

function parseKey(opts: ReplayOpts): SessionKey {
  if (!TENANT_PATTERN.test(opts.tenant)) throw usage(`--tenant must match ${TENANT_PATTERN}`);
  if (!TABLE_PATTERN.test(opts.table)) throw usage(`--table must match ${TABLE_PATTERN}`);
  if (!SESSION_ID_PATTERN.test(opts.session)) throw usage(`--session must match ${SESSION_ID_PATTERN}`);
  return { tenant: opts.tenant, table: opts.table, sessionId: opts.session };
}

// runCli prints an AppError as one line and exits 2, the code for usage errors.
const usage = (message: string) => new AppError('invalid_request', message);
