import { ChainGenerator, sessionIds } from './chain-gen.js';

/** Request bodies for the ceiling measurements: the same bytes a phase of the load process sent first. */
export interface CeilingSample {
  table: string;
  tenant: string;
  batch: number;
  /** In chain order per session; sessions interleaved as the load process sends them. */
  bodies: { sessionId: string; body: Buffer }[];
  events: number;
  bytes: number;
}

/**
 * The first batches of each session of phase `tag` (chain-gen is deterministic, so these are exactly the
 * bodies the load process pre-generated for that phase), about `targetEvents` events in all.
 */
export function buildSample(
  table: string,
  tenant: string,
  tag: string,
  sessions: number,
  batch: number,
  payloadBytes: number,
  targetEvents: number,
): CeilingSample {
  const perSession = Math.max(1, Math.ceil(targetEvents / batch / sessions));
  const gens = sessionIds(tag, sessions).map((id) => new ChainGenerator(table, id, payloadBytes));
  const bodies: CeilingSample['bodies'] = [];
  for (let round = 0; round < perSession; round++)
    for (const g of gens) bodies.push({ sessionId: g.sessionId, body: g.nextBatch(batch).body });
  return {
    table,
    tenant,
    batch,
    bodies,
    events: bodies.length * batch,
    bytes: bodies.reduce((n, b) => n + b.body.length, 0),
  };
}

/** Runs `pass` repeatedly until at least `seconds` of it were timed; returns units per second. */
export async function timedPasses(
  seconds: number,
  pass: () => Promise<{ units: number; ms: number }> | { units: number; ms: number },
): Promise<number> {
  let units = 0;
  let ms = 0;
  while (ms < seconds * 1000) {
    const r = await pass();
    units += r.units;
    ms += r.ms;
  }
  return units / (ms / 1000);
}
