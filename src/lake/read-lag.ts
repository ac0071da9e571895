import { readMessageTime, type Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { readWatermark } from './read-watermark.js';

export interface LogLag {
  watermark: number;
  /** Log messages past the watermark. */
  messages: number;
  /** Age of the oldest of them. */
  seconds: number;
}

/** How far the committed watermark trails the event log. */
export async function readLag(bus: Bus, db: Db): Promise<LogLag> {
  const [wm, info] = await Promise.all([
    readWatermark(db, bus.names.eventsStream),
    bus.streamState(bus.names.eventsStream),
  ]);
  const messages = Math.max(0, info.lastSeq - wm.seq);
  let seconds = 0;
  if (messages > 0) {
    const oldest = await readMessageTime(bus, wm.seq + 1).catch(() => null);
    if (oldest) seconds = Math.max(0, (Date.now() - oldest.getTime()) / 1000);
  }
  return { watermark: wm.seq, messages, seconds };
}
