import { and, asc, desc, eq } from 'drizzle-orm';
import type { Head, Seal } from '../chain/index.js';
import { readLastBatch, type Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { records, sessions } from '../db/schema.js';
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
  const events = and(
    eq(records.tenant, tenant),
    eq(records.tableName, table),
    eq(records.sessionId, sessionId),
    eq(records.kind, 'event'),
  );
  const tsAt = (order: typeof asc) =>
    db.orm.select({ ts: records.ts }).from(records).where(events).orderBy(order(records.seq)).limit(1);
  const [last, [row], [first], [latest]] = await Promise.all([
    readLastBatch(bus, bus.names.events(tenant, table, sessionId)),
    db.orm
      .select()
      .from(sessions)
      .where(
        and(eq(sessions.tenant, tenant), eq(sessions.tableName, table), eq(sessions.sessionId, sessionId)),
      ),
    tsAt(asc),
    tsAt(desc),
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
    first_ts: first?.ts ?? null,
    last_ts: latest?.ts ?? null,
  };
}
