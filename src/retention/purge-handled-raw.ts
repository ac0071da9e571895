import type { Bus } from '../bus/index.js';
import { lastOlderThan, type PurgeResult } from './purge-committed.js';

/**
 * Purges raw messages older than `retentionMs` that the gatekeeper has acknowledged (each has its
 * outcome published); nothing at all before the gatekeeper's consumer exists.
 */
export async function purgeHandledRaw(bus: Bus, retentionMs: number, now = new Date()): Promise<PurgeResult> {
  const { rawStream, gatekeeperDurable } = bus.names;
  const consumer = await bus.jsm.consumers
    .info(rawStream, gatekeeperDurable)
    .catch((err: { code?: number }) => {
      // 10014: no such consumer (no gatekeeper has run yet).
      if (err.code === 10014) return null;
      throw err;
    });
  if (!consumer) return { purged: 0, upTo: 0 };
  const info = await bus.jsm.streams.info(rawStream);
  const bound = Math.min(consumer.ack_floor.stream_seq, info.state.last_seq);
  const upTo = await lastOlderThan(bus, rawStream, info.state.first_seq, bound, now.getTime() - retentionMs);
  if (upTo < info.state.first_seq) return { purged: 0, upTo: 0 };
  const res = await bus.jsm.streams.purge(rawStream, { seq: upTo + 1 });
  return { purged: res.purged, upTo };
}
