import type { Bus } from '../bus/index.js';
import type { LogSize } from '../metrics/index.js';

/** The events stream's size and its byte cap (0: none), for the metrics. */
export async function readLogSize(bus: Bus): Promise<LogSize> {
  const s = await bus.streamState(bus.names.eventsStream);
  return { messages: s.messages, bytes: s.bytes, maxBytes: s.maxBytes, firstSeq: s.firstSeq };
}
