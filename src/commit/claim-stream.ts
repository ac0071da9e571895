import type { Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';

/**
 * Binds this database's watermark to one incarnation of the event stream. A stream deleted and
 * re-created under the same name starts again at sequence 1: inheriting the old watermark would mark
 * its new messages done without committing them, so the committer refuses to start instead.
 */
export async function claimStream(bus: Bus, db: Db): Promise<void> {
  const stream = bus.names.eventsStream;
  const info = await bus.streamState(stream);
  const created = info.created;
  await db.sql`insert into stream_progress (stream, stream_created) values (${stream}, ${created}) on conflict do nothing`;
  const [row] = await db.sql<{ watermark_seq: string; stream_created: string | null }[]>`
    select watermark_seq, stream_created from stream_progress where stream = ${stream}`;
  const watermark = Number(row?.watermark_seq ?? 0);
  if (row?.stream_created === created) return;
  if (row?.stream_created === null && watermark <= info.lastSeq) {
    // A row from before incarnations were recorded: adopt the current stream.
    await db.sql`update stream_progress set stream_created = ${created} where stream = ${stream} and stream_created is null`;
    return;
  }
  throw new Error(
    `the event stream ${stream} was re-created (created ${created}, last sequence ${info.lastSeq}) but this ` +
      `database's watermark ${watermark} belongs to an earlier stream (created ${row?.stream_created ?? 'unknown'}). ` +
      `Use a new CHAINLAKE_PREFIX or database, or, if the old stream's data is committed and should be kept, ` +
      `delete the row: DELETE FROM stream_progress WHERE stream = '${stream}'.`,
  );
}
