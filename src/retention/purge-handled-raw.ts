import type { Bus } from '../bus/index.js';
import { lastOlderThan, type PurgeResult } from './purge-committed.js';

/**
 * Purges raw messages older than `retentionMs` that the gatekeeper has acknowledged (each has its
 * outcome published); nothing at all before the gatekeeper's consumer exists.
 */
export async function purgeHandledRaw(bus: Bus, retentionMs: number, now = new Date()): Promise<PurgeResult> {
  const { rawStream, gatekeeperDurable } = bus.names;
  // Null: no gatekeeper has run yet.
  const ackFloor = await bus.ackFloor(rawStream, gatekeeperDurable);
  if (ackFloor === null) return { purged: 0, upTo: 0 };
  const info = await bus.streamState(rawStream);
  const bound = Math.min(ackFloor, info.lastSeq);
  const upTo = await lastOlderThan(bus, rawStream, info.firstSeq, bound, now.getTime() - retentionMs);
  if (upTo < info.firstSeq) return { purged: 0, upTo: 0 };
  return { purged: await bus.purgeBelow(rawStream, upTo + 1), upTo };
}
