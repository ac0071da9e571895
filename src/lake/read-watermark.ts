import type { Db } from '../db/index.js';

/** The committed watermark of a log stream: every message at or below it is done (0: none yet). */
export async function readWatermark(
  db: Db,
  stream: string,
): Promise<{ seq: number; committedAt: Date | null }> {
  const [row] = await db.sql<{ watermark_seq: string; committed_at: Date | null }[]>`
    select watermark_seq, committed_at from stream_progress where stream = ${stream}`;
  return { seq: Number(row?.watermark_seq ?? 0), committedAt: row?.committed_at ?? null };
}
