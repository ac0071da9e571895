import type { Bus } from '../bus/index.js';
import type { LogSize } from '../metrics/index.js';

/** The events stream's size and its byte cap (0: none), for the metrics. */
export async function readLogSize(bus: Bus): Promise<LogSize> {
  const info = await bus.jsm.streams.info(bus.names.eventsStream);
  return {
    messages: info.state.messages,
    bytes: info.state.bytes,
    maxBytes: Math.max(0, info.config.max_bytes),
    firstSeq: info.state.first_seq,
  };
}
