import type { Bus } from '../bus/index.js';
import { readBatchAt, toVisibilityToken } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { readWatermark } from './read-watermark.js';
import { latestSnapshot } from './snapshots.js';

export interface TableWatermark {
  watermark: string;
  snapshot_id: number | null;
  committed_at: string | null;
  lag: { messages: number; seconds: number };
}

/**
 * The watermark is the log's committed prefix, shared by all tables: every batch whose token is at or
 * below it is committed. Lag counts log messages past it and the age of the oldest of them.
 */
export async function tableWatermark(
  bus: Bus,
  db: Db,
  tenant: string,
  table: string,
): Promise<TableWatermark> {
  const [wm, snapshot, info] = await Promise.all([
    readWatermark(db, bus.names.eventsStream),
    latestSnapshot(db, tenant, table),
    bus.jsm.streams.info(bus.names.eventsStream),
  ]);
  const messages = Math.max(0, info.state.last_seq - wm.seq);
  let seconds = 0;
  if (messages > 0) {
    const oldest = await readBatchAt(bus, wm.seq + 1).catch(() => null);
    if (oldest) seconds = Math.max(0, (Date.now() - oldest.time.getTime()) / 1000);
  }
  return {
    watermark: toVisibilityToken(wm.seq),
    snapshot_id: snapshot?.snapshot_id ?? null,
    committed_at: snapshot?.committed_at ?? null,
    lag: { messages, seconds },
  };
}
