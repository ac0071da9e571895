import type { Db } from '../../src/db/index.js';

/**
 * Tampers with one stored record the way an attacker with database access would: rewrites its line in
 * the `records` text of the batch that holds it (src/wire: events in seq order, then the seal).
 */
export async function alterStoredLine(
  db: Db,
  where: { table: string; session: string; seq: number; kind: 'event' | 'seal' },
  edit: (line: string) => string,
): Promise<void> {
  const [row] = await db.sql<{ from_seq: string; records: string }[]>`
    select from_seq::text as from_seq, records from batches
    where table_name = ${where.table} and session_id = ${where.session} and from_seq <= ${where.seq} and to_seq >= ${where.seq}`;
  if (!row) throw new Error(`no stored batch holds ${where.kind} ${where.seq} of ${where.session}`);
  const lines = row.records.split('\n');
  const i = where.kind === 'seal' ? lines.length - 2 : where.seq - Number(row.from_seq);
  lines[i] = edit(lines[i]!);
  await db.sql`update batches set records = ${lines.join('\n')}
    where table_name = ${where.table} and session_id = ${where.session} and from_seq = ${row.from_seq}`;
}

/** A stored event line with its payload text replaced (keeping the rest of the line as it is). */
export const withPayload = (payloadText: string) => (line: string) =>
  line.replace(/"payload":.*,"prev_hash":/, `"payload":${payloadText},"prev_hash":`);
