import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';

/** A message that can never be accepted as it is, and why. */
export interface NewRejection {
  tenant: string;
  table: string;
  sessionId: string | null;
  code: string;
  detail: string;
  msgId: string | null;
  stream: string;
  streamSeq: number;
  /** The message body as received, so it can be inspected and re-driven. */
  body: string;
}

/**
 * Stores a rejection once per message: a redelivery of the same stream message (same sequence and
 * msg-id) returns the id recorded first instead of adding a second row.
 */
export async function recordRejection(db: Db, r: NewRejection): Promise<string> {
  // Postgres text cannot hold U+0000; the stored body replaces it (the raw message itself keeps it).
  const body = r.body.replace(/\u0000/g, '\uFFFD');
  const rows = await db.orm.execute<{ id: string }>(sql`
    with found as (
      select id from rejections
      where tenant = ${r.tenant} and stream = ${r.stream} and stream_seq = ${r.streamSeq}
        and msg_id is not distinct from ${r.msgId}
      limit 1
    ), inserted as (
      insert into rejections (tenant, table_name, session_id, code, detail, msg_id, stream, stream_seq, body)
      select ${r.tenant}, ${r.table}, ${r.sessionId}, ${r.code}, ${r.detail}, ${r.msgId}, ${r.stream},
             ${r.streamSeq}, ${body}
      where not exists (select 1 from found)
      returning id
    )
    select id::text as id from inserted union all select id::text from found`);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('recording a rejection returned no id');
  return id;
}
