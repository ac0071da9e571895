import type { Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';

export interface PurgeResult {
  /** Messages removed by this purge. */
  purged: number;
  /** Every message at or below this sequence is gone (0: nothing purged). */
  upTo: number;
}

/**
 * Purges committed messages older than `retentionMs` from the events stream: never one above the
 * committed watermark, nor any when the watermark belongs to an earlier incarnation of the stream.
 */
export async function purgeCommitted(
  bus: Bus,
  db: Db,
  retentionMs: number,
  now = new Date(),
): Promise<PurgeResult> {
  const stream = bus.names.eventsStream;
  const [row] = await db.sql<{ watermark_seq: string; stream_created: string | null }[]>`
    select watermark_seq, stream_created from stream_progress where stream = ${stream}`;
  if (!row) return { purged: 0, upTo: 0 };
  const info = await bus.streamState(stream);
  // A re-created stream restarts at 1: the old watermark would cover its uncommitted messages.
  if (row.stream_created !== info.created) return { purged: 0, upTo: 0 };
  const bound = Math.min(Number(row.watermark_seq), info.lastSeq);
  const upTo = await lastOlderThan(bus, stream, info.firstSeq, bound, now.getTime() - retentionMs);
  if (upTo < info.firstSeq) return { purged: 0, upTo: 0 };
  return { purged: await bus.purgeBelow(stream, upTo + 1), upTo };
}

/**
 * The highest sequence in [first, last] stored at or before `cutoff` (first - 1: none). Stream times
 * grow with sequences, so a binary search of a few direct reads finds it.
 */
export async function lastOlderThan(
  bus: Bus,
  stream: string,
  first: number,
  last: number,
  cutoff: number,
): Promise<number> {
  const isOld = async (seq: number) => {
    const time = await bus.messageTime(stream, seq);
    return time !== null && time.getTime() <= cutoff;
  };
  // An empty stream reports first_seq 0, and a get of sequence 0 is a bad request.
  if (last < first || last < 1) return first - 1;
  if (await isOld(last)) return last;
  if (!(await isOld(first))) return first - 1;
  let lo = first;
  let hi = last;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await isOld(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
