import net from 'node:net';
import postgres from 'postgres';
import { canonicalJson, type ClientEvent } from '../src/chain/index.js';
import { parseDatabaseUrl } from '../src/db/index.js';
import { timedPasses, type CeilingSample } from './ceiling-sample.js';

const ROWS_PER_COPY = 1000;
const COPY_TIMEOUT_MS = 60_000;
const TABLE = 'bench_copy_ceiling';
const COLUMNS =
  'tenant, table_name, session_id, seq, kind, type, ts, payload, prev_hash, hash, visibility_token, stream_seq, ingested_at';

/**
 * Ceiling (c): Postgres COPY of the same events as rows shaped like `records` (payload = the JCS
 * text), 1000 rows per COPY, into a scratch table of the bench database, over a socket with Nagle off
 * (platform notes: postgres.js leaves it on and a COPY then stalls on a delayed ACK). Returns rows/s.
 * The table is emptied between passes (untimed) so the primary key never conflicts.
 */
export async function copyCeiling(
  databaseUrl: string,
  sample: CeilingSample,
  seconds: number,
): Promise<number> {
  const chunks = copyChunks(sample);
  const { tcp } = parseDatabaseUrl(databaseUrl);
  const sql = postgres(databaseUrl, {
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
    ...(tcp ? { socket: () => net.connect({ host: tcp.host, port: tcp.port, noDelay: true }) } : {}),
  });
  try {
    await sql.unsafe(`create table if not exists ${TABLE} (
      tenant text not null, table_name text not null, session_id text not null, seq bigint not null,
      kind text not null, type text not null, ts text not null, payload text not null,
      prev_hash text not null, hash text not null, visibility_token text not null,
      stream_seq bigint not null, ingested_at timestamptz not null,
      primary key (tenant, table_name, session_id, seq, kind))`);
    return await timedPasses(seconds, async () => {
      await sql.unsafe(`truncate ${TABLE}`);
      const started = performance.now();
      let rows = 0;
      for (const c of chunks) {
        await copyOnce(sql, c.data);
        rows += c.rows;
      }
      return { units: rows, ms: performance.now() - started };
    });
  } finally {
    await sql.unsafe(`drop table if exists ${TABLE}`).catch(() => undefined);
    await sql.end({ timeout: 5 });
  }
}

async function copyOnce(sql: postgres.Sql, data: Buffer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // A rejected COPY may never settle in postgres.js 3.4 (porsager/postgres#1173): always bounded.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`COPY took over ${COPY_TIMEOUT_MS} ms`)), COPY_TIMEOUT_MS);
  });
  const copy = (async () => {
    const writable = await sql.unsafe(`copy ${TABLE} (${COLUMNS}) from stdin`).writable();
    await new Promise<void>((resolve, reject) => {
      writable.once('error', reject);
      writable.once('finish', () => resolve());
      writable.end(data);
    });
  })();
  try {
    await Promise.race([copy, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** COPY text-format payloads of ROWS_PER_COPY rows each, built before anything is timed. */
function copyChunks(sample: CeilingSample): { data: Buffer; rows: number }[] {
  const now = new Date().toISOString();
  const chunks: { data: Buffer; rows: number }[] = [];
  let lines: string[] = [];
  let streamSeq = 0;
  const flush = () => {
    if (lines.length === 0) return;
    chunks.push({ data: Buffer.from(lines.join('')), rows: lines.length });
    lines = [];
  };
  for (const { sessionId, body } of sample.bodies) {
    const { events } = JSON.parse(body.toString('utf8')) as { events: ClientEvent[] };
    streamSeq++;
    for (const ev of events) {
      const fields = [
        sample.tenant,
        sample.table,
        sessionId,
        String(ev.seq),
        'event',
        ev.type,
        ev.ts,
        canonicalJson(ev.payload),
        ev.prev_hash,
        ev.hash,
        `v1.${streamSeq}`,
        String(streamSeq),
        now,
      ];
      lines.push(fields.map(copyText).join('\t') + '\n');
      if (lines.length === ROWS_PER_COPY) flush();
    }
  }
  flush();
  return chunks;
}

/** Escapes a value for COPY's text format (backslash, tab, newline, carriage return). */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
