import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { connectBus, type BusNames } from '../src/bus/index.js';
import { parseDatabaseUrl, quoteIdent } from '../src/db/index.js';

const STEP_TIMEOUT_MS = 20_000;
/**
 * A bench run killed with -9 cannot clean up; a later run removes its database (when older than this
 * and nobody is connected to it) and then streams whose database is gone.
 */
const STALE_AFTER_S = 3600;
const BENCH_DB_RE = /^chainlake_bench_(\d{9,11})_[0-9a-f]+$/;
const BENCH_STREAM_RE = /^BENCH([0-9A-F]{8})_(EVENTS|RAW|CEILING)$/;

export interface BenchResources {
  databaseUrl: string;
  database: string;
  natsUrl: string;
  names: BusNames;
  log: (line: string) => void;
}

/** The scratch stream of the JetStream ceiling measurement. */
export function ceilingStream(names: BusNames): string {
  return names.eventsStream.replace(/_EVENTS$/, '_CEILING');
}

/** Drops the run's database and deletes its streams; every step bounded, failures logged, never thrown. */
export async function dropBenchResources(r: BenchResources): Promise<void> {
  await bounded('drop the database', r.log, () => dropDatabases(r.databaseUrl, [r.database]));
  await bounded('delete the streams', r.log, async () => {
    const bus = await connectBus({ url: r.natsUrl, prefix: r.names.prefix, name: 'chainlake-bench-cleanup' });
    try {
      for (const stream of [r.names.eventsStream, r.names.rawStream, ceilingStream(r.names)]) {
        await bus.jsm.streams.delete(stream).catch((err: Error) => {
          if (!/not found/i.test(err.message)) throw err;
        });
      }
    } finally {
      await bus.close();
    }
  });
}

/** Each run's temp directory starts with this and holds a file naming its prefix. */
export const BENCH_DIR_PREFIX = 'chainlake-bench-';
export const PREFIX_FILE = 'bench-prefix';

/**
 * Removes what bench runs killed with -9 left: idle old databases, then the streams and temp
 * directories whose database is gone.
 */
export async function sweepStale(
  databaseUrl: string,
  natsUrl: string,
  log: (l: string) => void,
): Promise<void> {
  const cutoff = Date.now() / 1000 - STALE_AFTER_S;
  let live: Set<string> | null = null;
  await bounded('sweep stale bench databases', log, async () => {
    const admin = adminClient(databaseUrl);
    try {
      const rows = await admin<{ datname: string; connections: number }[]>`
        select d.datname, (select count(*)::int from pg_stat_activity a where a.datname = d.datname) as connections
        from pg_database d where d.datname like 'chainlake\_bench\_%'`;
      const stale = rows
        .filter((r) => r.connections === 0 && Number(BENCH_DB_RE.exec(r.datname)?.[1] ?? Infinity) < cutoff)
        .map((r) => r.datname);
      if (stale.length > 0) log(`dropping ${stale.length} stale bench database(s): ${stale.join(', ')}`);
      await dropDatabases(databaseUrl, stale);
      live = new Set(rows.filter((r) => !stale.includes(r.datname)).map((r) => r.datname.split('_').pop()!));
    } finally {
      await admin.end({ timeout: 5 });
    }
  });
  if (!live) return;
  const liveIds: Set<string> = live;
  await bounded('sweep stale bench streams', log, async () => {
    const bus = await connectBus({ url: natsUrl, prefix: 'bench', name: 'chainlake-bench-cleanup' });
    try {
      for await (const s of bus.jsm.streams.list()) {
        const m = BENCH_STREAM_RE.exec(s.config.name);
        if (!m || liveIds.has(m[1]!.toLowerCase()) || Date.parse(s.created) / 1000 >= cutoff) continue;
        log(`deleting stale bench stream ${s.config.name}`);
        await bus.jsm.streams.delete(s.config.name);
      }
    } finally {
      await bus.close();
    }
  });
  await bounded('sweep stale bench directories', log, async () => {
    for (const name of await readdir(tmpdir())) {
      if (!name.startsWith(BENCH_DIR_PREFIX)) continue;
      const dir = path.join(tmpdir(), name);
      const prefix = (await readFile(path.join(dir, PREFIX_FILE), 'utf8').catch(() => '')).trim();
      const { mtimeMs } = await stat(dir);
      if (liveIds.has(prefix.replace(/^bench/, '')) || mtimeMs / 1000 >= cutoff) continue;
      log(`deleting stale bench directory ${dir}`);
      await rm(dir, { recursive: true, force: true });
    }
  });
}

async function dropDatabases(databaseUrl: string, databases: string[]): Promise<void> {
  if (databases.length === 0) return;
  const admin = adminClient(databaseUrl);
  try {
    // WITH (FORCE) (Postgres 13+) ends the sessions a killed child may have left open.
    for (const d of databases) await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(d)} WITH (FORCE)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function adminClient(databaseUrl: string): postgres.Sql {
  const { maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  return postgres(maintenanceUrl, { max: 1, connect_timeout: 5, idle_timeout: 5, onnotice: () => {} });
}

async function bounded(what: string, log: (l: string) => void, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no result within ${STEP_TIMEOUT_MS / 1000} s`)),
      STEP_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([work(), timeout]);
  } catch (err) {
    log(`could not ${what}: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
