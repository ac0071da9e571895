import { GENESIS_HASH, hashEvent, type ClientEvent } from '../src/chain/index.js';
import { timedPasses, type CeilingSample } from './ceiling-sample.js';

/**
 * Ceiling (a): per-event verification on one core, in this process: JSON.parse of each request body,
 * then per event canonical JSON + SHA-256 (hashEvent) and the link to the previous hash. No I/O.
 */
export async function verifyCeiling(sample: CeilingSample, seconds: number): Promise<number> {
  return timedPasses(seconds, () => {
    const heads = new Map<string, string>();
    const started = performance.now();
    let events = 0;
    for (const { sessionId, body } of sample.bodies) {
      const req = JSON.parse(body.toString('utf8')) as { session_id: string; events: ClientEvent[] };
      let prev = heads.get(sessionId) ?? GENESIS_HASH;
      for (const ev of req.events) {
        if (ev.prev_hash !== prev || hashEvent(sample.table, req.session_id, ev) !== ev.hash)
          throw new Error(`ceiling sample does not verify at ${sessionId} seq ${ev.seq}`);
        prev = ev.hash;
        events++;
      }
      heads.set(sessionId, prev);
    }
    return { units: events, ms: performance.now() - started };
  });
}
