import { and, eq } from 'drizzle-orm';
import { GENESIS_HASH, type Head, type Seal } from '../chain/index.js';
import {
  findBatchInLog,
  readLastBatch,
  type Bus,
  type LoggedBatch,
  toVisibilityToken,
} from '../bus/index.js';
import type { Db } from '../db/index.js';
import { sessions } from '../db/schema.js';

/** Where a session stands before a batch is appended to it. */
export interface SessionState {
  head: Head | null;
  lastSealHash: string;
  /** The subject's last stream sequence, for the optimistic lock (0: the log holds no message of it). */
  lastSubjectSeq: number;
  lastBatch: LoggedBatch | null;
  /** From this process's HeadCache rather than the log: possibly stale. */
  cached?: boolean;
}

export interface SessionKey {
  tenant: string;
  table: string;
  sessionId: string;
}

/**
 * The accepted head comes from the log's last message on the session subject; when the log no longer
 * holds one (aged out), from the committed head in Postgres; else the session is new.
 */
export async function loadSessionState(bus: Bus, db: Db, key: SessionKey): Promise<SessionState> {
  const last = await readLastBatch(bus, bus.names.events(key.tenant, key.table, key.sessionId));
  if (last) {
    const { seal } = last.envelope;
    return {
      head: { seq: seal.seq, hash: seal.head_hash },
      lastSealHash: seal.hash,
      lastSubjectSeq: last.streamSeq,
      lastBatch: last,
    };
  }
  const [row] = await db.orm
    .select({ headSeq: sessions.headSeq, headHash: sessions.headHash, lastSealHash: sessions.lastSealHash })
    .from(sessions)
    .where(
      and(
        eq(sessions.tenant, key.tenant),
        eq(sessions.tableName, key.table),
        eq(sessions.sessionId, key.sessionId),
      ),
    );
  if (!row) return { head: null, lastSealHash: GENESIS_HASH, lastSubjectSeq: 0, lastBatch: null };
  return {
    head: { seq: row.headSeq, hash: row.headHash },
    lastSealHash: row.lastSealHash ?? GENESIS_HASH,
    lastSubjectSeq: 0,
    lastBatch: null,
  };
}

/** An accepted event and the batch that accepted it. */
export interface AcceptedEvent {
  hash: string;
  visibilityToken: string;
  seal: Seal;
}

/**
 * Finds an accepted event by seq: in the log's last batch, among committed records, or by walking the
 * session's not-yet-committed messages in the log. Null when none holds it.
 */
export async function findAcceptedEvent(
  bus: Bus,
  db: Db,
  key: SessionKey,
  state: SessionState,
  seq: number,
): Promise<AcceptedEvent | null> {
  const inBatch = (batch: LoggedBatch | null): AcceptedEvent | null => {
    const ev = batch?.envelope.events.find((e) => e.seq === seq);
    return batch && ev
      ? { hash: ev.hash, visibilityToken: toVisibilityToken(batch.streamSeq), seal: batch.envelope.seal }
      : null;
  };
  const fromLast = inBatch(state.lastBatch);
  if (fromLast) return fromLast;
  const [row] = await db.sql<{ stream_seq: string; records: string; from_seq: string }[]>`
    select stream_seq, from_seq, records from batches
    where tenant = ${key.tenant} and table_name = ${key.table} and session_id = ${key.sessionId}
      and from_seq <= ${seq} and to_seq >= ${seq}
    order by from_seq desc limit 1`;
  if (row) {
    // A batch's lines are its events in seq order, then its seal (src/wire batchRecords).
    const lines = row.records.split('\n');
    const event = JSON.parse(lines[seq - Number(row.from_seq)]!) as { hash: string };
    const { kind: _kind, ...seal } = JSON.parse(lines[lines.length - 2]!) as Seal & { kind: 'seal' };
    return { hash: event.hash, visibilityToken: toVisibilityToken(Number(row.stream_seq)), seal };
  }
  const [committed] = await db.orm
    .select({ lastStreamSeq: sessions.lastStreamSeq })
    .from(sessions)
    .where(
      and(
        eq(sessions.tenant, key.tenant),
        eq(sessions.tableName, key.table),
        eq(sessions.sessionId, key.sessionId),
      ),
    );
  const subject = bus.names.events(key.tenant, key.table, key.sessionId);
  return inBatch(await findBatchInLog(bus, subject, (committed?.lastStreamSeq ?? 0) + 1, seq));
}
