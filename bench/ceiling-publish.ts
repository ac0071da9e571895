import { GENESIS_HASH, sealKeyFromSeed, signSeal, type ClientEvent } from '../src/chain/index.js';
import { canonicalJson } from '../src/chain/index.js';
import type { Bus } from '../src/bus/index.js';
import { encodeLogBody } from '../src/wire/index.js';
import { timedPasses, type CeilingSample } from './ceiling-sample.js';
import { ceilingStream } from './drop-resources.js';

const IN_FLIGHT = 256;

/**
 * Ceiling (b): raw JetStream publish of the same sealed envelopes chainlake would append (`{events,
 * seal}`, one message per batch, with Nats-Msg-Id), 256 in flight, to a scratch stream
 * `{PREFIX}_CEILING` on `{prefix}.ceiling.>` with the event stream's storage settings. Unlike chainlake
 * it sends no expected-last-subject-sequence (that would serialise each subject). Returns events/s.
 */
export async function publishCeiling(
  bus: Bus,
  sample: CeilingSample,
  seconds: number,
): Promise<{ eventsPerS: number; messagesPerS: number; mbPerS: number }> {
  const envelopes = sealAll(sample, bus.names.prefix);
  const stream = ceilingStream(bus.names);
  const avgBytes = envelopes.reduce((n, e) => n + e.data.byteLength, 0) / envelopes.length;
  await bus.jsm.streams.add({
    name: stream,
    subjects: [`${bus.names.prefix}.ceiling.>`],
    storage: 'file',
    retention: 'limits',
    // Old messages go, so a long measurement cannot fill the disk; the writes are the same.
    discard: 'old',
    max_bytes: 1024 * 1024 * 1024,
    duplicate_window: 120_000 * 1_000_000,
    allow_direct: true,
  });
  try {
    let pass = 0;
    const messagesPerS = await timedPasses(seconds, async () => {
      pass++;
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        for (let i = next++; i < envelopes.length; i = next++) {
          const e = envelopes[i]!;
          await bus.js.publish(e.subject, e.data, { msgID: `${pass}.${i}` });
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      return { units: envelopes.length, ms: performance.now() - started };
    });
    return {
      eventsPerS: messagesPerS * sample.batch,
      messagesPerS,
      mbPerS: (messagesPerS * avgBytes) / 1e6,
    };
  } finally {
    await bus.jsm.streams.delete(stream).catch(() => undefined);
  }
}

function sealAll(sample: CeilingSample, prefix: string): { subject: string; data: Uint8Array }[] {
  const key = sealKeyFromSeed('b'.repeat(64));
  const lastSeal = new Map<string, string>();
  return sample.bodies.map(({ sessionId, body }) => {
    const { events } = JSON.parse(body.toString('utf8')) as { events: ClientEvent[] };
    const first = events[0]!;
    const last = events[events.length - 1]!;
    const seal = signSeal(
      {
        tenant: sample.tenant,
        table: sample.table,
        session_id: sessionId,
        from_seq: first.seq,
        seq: last.seq,
        head_hash: last.hash,
        prev_seal_hash: lastSeal.get(sessionId) ?? GENESIS_HASH,
        sealed_at: new Date().toISOString(),
      },
      key,
    );
    lastSeal.set(sessionId, seal.hash);
    return {
      subject: `${prefix}.ceiling.${sample.tenant}.${sample.table}.${sessionId}`,
      data: Buffer.from(
        encodeLogBody(
          events,
          events.map((e) => canonicalJson(e.payload)),
          seal,
        ),
      ),
    };
  });
}
