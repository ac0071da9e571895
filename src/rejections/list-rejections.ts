import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { rejections } from '../db/schema.js';

/** A rejection as listed (docs/contract.md §4 `GET /v1/rejections`, plus where it came from). */
export interface RejectionInfo {
  /** A decimal string: ids are opaque to clients and may outgrow a JSON number. */
  id: string;
  table: string;
  session_id: string | null;
  code: string;
  detail: string;
  msg_id: string | null;
  received_at: string;
  redriven_at: string | null;
  /** The stream the message came from (the raw stream, or the event log for the committer's). */
  stream: string | null;
  stream_seq: number | null;
}

export const MAX_REJECTIONS_LIMIT = 1000;

/** One tenant's rejections, newest first, optionally of one table. */
export async function listRejections(
  db: Db,
  tenant: string,
  opts: { table?: string; limit: number },
): Promise<RejectionInfo[]> {
  const where: SQL[] = [eq(rejections.tenant, tenant)];
  if (opts.table !== undefined) where.push(eq(rejections.tableName, opts.table));
  const rows = await db.orm
    .select()
    .from(rejections)
    .where(and(...where))
    .orderBy(desc(rejections.id))
    .limit(Math.min(Math.max(opts.limit, 1), MAX_REJECTIONS_LIMIT));
  return rows.map((r) => ({
    id: String(r.id),
    table: r.tableName,
    session_id: r.sessionId,
    code: r.code,
    detail: r.detail,
    msg_id: r.msgId,
    received_at: r.receivedAt.toISOString(),
    redriven_at: r.redrivenAt?.toISOString() ?? null,
    stream: r.stream,
    stream_seq: r.streamSeq,
  }));
}
