import { hashEvent } from './hash-event.js';
import { GENESIS_HASH } from './types.js';
import type { ClientEvent } from './types.js';

/** A valid chain of `count` events starting after `from` (for tests); payloads are small and distinct. */
export function makeTestChain(
  table: string,
  sessionId: string,
  count: number,
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): ClientEvent[] {
  const events: ClientEvent[] = [];
  let prev = from;
  for (let seq = from.seq + 1; seq <= from.seq + count; seq++) {
    const ev = {
      seq,
      type: 'llm.call',
      ts: `2026-01-30T12:00:${String(seq % 60).padStart(2, '0')}.000Z`,
      payload: { n: seq, text: `event ${seq}` },
      prev_hash: prev.hash,
    };
    const full = { ...ev, hash: hashEvent(table, sessionId, ev) };
    events.push(full);
    prev = full;
  }
  return events;
}
