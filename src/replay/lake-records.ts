import { parquetReadObjects } from 'hyparquet';
import type { ChainProblem } from '../chain/index.js';
import { rfc3339ToMicros } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { getSnapshot, latestSnapshot } from '../lake/index.js';
import type { ObjectStore } from '../store/index.js';
import type { SessionKey } from './read-records.js';
import type { StoredRecord } from '../wire/index.js';

interface LakeRow {
  session_id: string;
  seq: bigint;
  kind: string;
  type: string;
  ts: bigint;
  payload: string;
  prev_hash: string;
  hash: string;
  visibility_token: string;
}

const CORE = ['session_id', 'seq', 'kind', 'type', 'ts', 'payload', 'prev_hash', 'hash', 'visibility_token'];

/**
 * A session's records as the latest snapshot's Parquet files hold them. Parquet keeps `ts` only as UTC
 * microseconds, so the verbatim text an event was hashed with comes from Postgres, and only when it
 * denotes the same instant; any other difference shows up when the chain is verified.
 */
export async function readLakeRecords(
  db: Db,
  store: ObjectStore,
  k: SessionKey,
): Promise<{ records: StoredRecord[]; problems: ChainProblem[] }> {
  const latest = await latestSnapshot(db, k.tenant, k.table);
  const snapshot = latest ? await getSnapshot(db, store, k.tenant, k.table, latest.snapshot_id) : null;
  const rows: LakeRow[] = [];
  const problems: ChainProblem[] = [];
  for (const file of snapshot?.files ?? []) {
    const bytes = await store.get(file.key);
    if (!bytes) {
      problems.push({ seq: 0, code: 'lake_file_missing', detail: `snapshot file ${file.key} is missing` });
      continue;
    }
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const all = (await parquetReadObjects({
      file: buffer,
      columns: CORE,
      parsers: { timestampFromMicroseconds: (us: bigint) => us },
    })) as unknown as LakeRow[];
    for (const row of all) if (row.session_id === k.sessionId) rows.push(row);
  }
  rows.sort((a, b) => Number(a.seq - b.seq) || a.kind.localeCompare(b.kind));

  const tsText = await committedTimestamps(db, k);
  const seen = new Set<string>();
  const records: StoredRecord[] = [];
  for (const row of rows) {
    const seq = Number(row.seq);
    const id = `${seq}/${row.kind}`;
    if (seen.has(id)) {
      problems.push({
        seq,
        code: 'lake_duplicate_row',
        detail: `the lake holds ${row.kind} ${seq} more than once`,
      });
      continue;
    }
    seen.add(id);
    const text = tsText.get(id);
    if (text === undefined || micros(text) !== row.ts) {
      problems.push({
        seq,
        code: 'lake_ts_mismatch',
        detail: `${row.kind} ${seq}: the lake's ts differs from the committed one`,
      });
    }
    records.push({
      seq,
      kind: row.kind === 'seal' ? 'seal' : 'event',
      type: row.type,
      ts: text ?? new Date(Number(row.ts / 1000n)).toISOString(),
      payload: row.payload,
      prev_hash: row.prev_hash,
      hash: row.hash,
      visibility_token: row.visibility_token,
    });
  }
  for (const id of tsText.keys()) {
    if (!seen.has(id)) {
      const [seq, kind] = id.split('/');
      problems.push({ seq: Number(seq), code: 'lake_missing_row', detail: `the lake has no ${kind} ${seq}` });
    }
  }
  return { records, problems };
}

function micros(ts: string): bigint | null {
  try {
    return rfc3339ToMicros(ts);
  } catch {
    return null;
  }
}

/** The verbatim `ts` of each committed record, by `seq/kind`, read from the batches' stored lines. */
async function committedTimestamps(db: Db, k: SessionKey): Promise<Map<string, string>> {
  const rows = await db.sql<{ records: string }[]>`
    select records from batches
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}`;
  const ts = new Map<string, string>();
  for (const row of rows) {
    for (const line of row.records.split('\n')) {
      if (line === '') continue;
      try {
        const r = JSON.parse(line) as { seq: number; kind: string; ts?: string; sealed_at?: string };
        ts.set(`${r.seq}/${r.kind}`, (r.kind === 'seal' ? r.sealed_at : r.ts) ?? '');
      } catch {
        // An unreadable stored line is reported by verification of the database, not here.
      }
    }
  }
  return ts;
}
