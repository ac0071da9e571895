import { and, eq } from 'drizzle-orm';
import type { Head, Seal } from '../chain/index.js';
import { readLastBatch, type Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { sessions } from '../db/schema.js';
import { AppError } from '../errors.js';

export interface SessionInfo {
  table: string;
  session_id: string;
  accepted_head: Head | null;
  committed_head: Head | null;
  last_seal: Seal | null;
  event_count: number;
  seal_count: number;
  first_ts: string | null;
  last_ts: string | null;
}

/**
 * A session's state: the accepted head from the log (falling back to the committed one), and the
 * committed head, counts and timestamps from Postgres. Counts cover committed records.
 */
export async function getSessionInfo(
  bus: Bus,
  db: Db,
  tenant: string,
  table: string,
  sessionId: string,
): Promise<SessionInfo> {
  const [last, [row], [times]] = await Promise.all([
    readLastBatch(bus, bus.names.events(tenant, table, sessionId)),
    db.orm
      .select()
      .from(sessions)
      .where(
        and(eq(sessions.tenant, tenant), eq(sessions.tableName, table), eq(sessions.sessionId, sessionId)),
      ),
    db.sql<{ first_ts: string | null; last_ts: string | null }[]>`
      select (select first_ts from batches b where ${scope(db, tenant, table, sessionId)} order by from_seq limit 1) as first_ts,
             (select last_ts from batches b where ${scope(db, tenant, table, sessionId)} order by from_seq desc limit 1) as last_ts`,
  ]);
  if (!last && !row)
    throw new AppError(
      'session_not_found',
      `Session "${sessionId}" has no accepted events in table "${table}".`,
    );
  const committedHead = row ? { seq: row.headSeq, hash: row.headHash } : null;
  const lastSeal = last?.envelope.seal ?? (row?.lastSeal as Seal | null | undefined) ?? null;
  return {
    table,
    session_id: sessionId,
    accepted_head: last ? { seq: last.envelope.seal.seq, hash: last.envelope.seal.head_hash } : committedHead,
    committed_head: committedHead,
    last_seal: lastSeal,
    event_count: row?.eventCount ?? 0,
    seal_count: row?.sealCount ?? 0,
    first_ts: times?.first_ts ?? null,
    last_ts: times?.last_ts ?? null,
  };
}

const scope = (db: Db, tenant: string, table: string, sessionId: string) =>
  db.sql`b.tenant = ${tenant} and b.table_name = ${table} and b.session_id = ${sessionId}`;
