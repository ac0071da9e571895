import { toVisibilityToken, type Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { readLag } from './read-lag.js';
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
  const [lag, snapshot] = await Promise.all([readLag(bus, db), latestSnapshot(db, tenant, table)]);
  return {
    watermark: toVisibilityToken(lag.watermark),
    snapshot_id: snapshot?.snapshot_id ?? null,
    committed_at: snapshot?.committed_at ?? null,
    lag: { messages: lag.messages, seconds: lag.seconds },
  };
}
