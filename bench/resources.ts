import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { Bus } from '../src/bus/index.js';
import { cpuTicksOfStat } from '../src/metrics/thread-cpu.js';
import { round } from './stats.js';

/** `/proc/<pid>/stat` counts in USER_HZ ticks, 100 a second on Linux x86 and arm (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;
/** Every table and materialized view of the database with its indexes and TOAST, whatever their names. */
const PG_BYTES_SQL = `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as bytes
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'm')`;

/** What chainlake has used and stored at one moment: CPU of the process and its threads, bytes in each store. */
export interface Resources {
  at: number;
  /** utime + stime of the whole process (every thread), seconds; null off Linux. */
  cpuS: number | null;
  /** `chainlake_thread_cpu_seconds_total` by thread; empty when the server does not export it. */
  threadS: Record<string, number>;
  jetstreamBytes: number;
  postgresBytes: number;
  lakeBytes: number;
  lakeFiles: number;
}

export interface StoreWhere {
  bus: Bus;
  stream: string;
  databaseUrl: string;
  lakeDir: string;
}

/** CPU seconds of a process from its `/proc/<pid>/stat`, or null. */
export async function processCpuS(pid: number): Promise<number | null> {
  const ticks = cpuTicksOfStat(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''));
  return ticks === null ? null : ticks / TICKS_PER_SECOND;
}

/** Reads every store (JetStream stream bytes, Postgres relation sizes, Parquet file bytes). */
export async function readResources(
  where: StoreWhere,
  pid: number,
  threadS: Record<string, number>,
): Promise<Resources> {
  const [cpuS, info, postgresBytes, lake] = await Promise.all([
    processCpuS(pid),
    where.bus.jsm.streams.info(where.stream),
    postgresSize(where.databaseUrl),
    parquetBytes(where.lakeDir),
  ]);
  return {
    at: performance.now(),
    cpuS,
    threadS,
    jetstreamBytes: info.state.bytes,
    postgresBytes,
    lakeBytes: lake.bytes,
    lakeFiles: lake.files,
  };
}

async function postgresSize(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, connect_timeout: 10, idle_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe<{ bytes: string }[]>(PG_BYTES_SQL);
    return Number(row?.bytes ?? 0);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Bytes of every `.parquet` file under the local object store (files are never rewritten or removed). */
async function parquetBytes(dir: string): Promise<{ bytes: number; files: number }> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  let bytes = 0;
  let files = 0;
  for (const name of names) {
    if (!name.endsWith('.parquet')) continue;
    const st = await stat(path.join(dir, name)).catch(() => null);
    if (!st?.isFile()) continue;
    bytes += st.size;
    files++;
  }
  return { bytes, files };
}

/** CPU and storage cost of `events` events between two readings. */
export interface ResourceUse {
  events: number;
  wall_s: number;
  cpu: {
    total_s: number | null;
    main_s: number | null;
    committer_s: number | null;
    /** Average cores busy (total CPU ÷ wall time). */
    busy_cores: number | null;
    total_us_per_event: number | null;
    main_us_per_event: number | null;
    committer_us_per_event: number | null;
    /** Everything else in the process: V8's GC and compiler threads, libuv's pool, tsx's loader. */
    other_us_per_event: number | null;
  };
  bytes_per_event: { jetstream: number | null; postgres: number | null; lake: number | null };
}

/** Per-event CPU and bytes between `a` and `b`. A thread missing from either reading is null. */
export function resourceUse(a: Resources, b: Resources, events: number): ResourceUse {
  const wallS = (b.at - a.at) / 1000;
  const d = (x: number | null | undefined, y: number | null | undefined) =>
    x == null || y == null ? null : y - x;
  const total = d(a.cpuS, b.cpuS);
  const main = d(a.threadS.main, b.threadS.main);
  const committer = d(a.threadS.committer, b.threadS.committer);
  const per = (x: number | null, scale: number, digits: number) =>
    x === null || events <= 0 ? null : round((x * scale) / events, digits);
  const other = total !== null && main !== null ? Math.max(0, total - main - (committer ?? 0)) : null;
  return {
    events,
    wall_s: round(wallS, 1),
    cpu: {
      total_s: total === null ? null : round(total, 2),
      main_s: main === null ? null : round(main, 2),
      committer_s: committer === null ? null : round(committer, 2),
      busy_cores: total === null || wallS <= 0 ? null : round(total / wallS, 2),
      total_us_per_event: per(total, 1e6, 1),
      main_us_per_event: per(main, 1e6, 1),
      committer_us_per_event: per(committer, 1e6, 1),
      other_us_per_event: per(other, 1e6, 1),
    },
    bytes_per_event: {
      jetstream: per(b.jetstreamBytes - a.jetstreamBytes, 1, 0),
      postgres: per(b.postgresBytes - a.postgresBytes, 1, 0),
      lake: per(b.lakeBytes - a.lakeBytes, 1, 0),
    },
  };
}
