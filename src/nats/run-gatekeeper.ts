import { consumeBatches, ensureConsumer, type LogMessage } from '../bus/index.js';
import { errorText } from '../log.js';
import { gateMessage, type GatekeeperDeps } from './gate-message.js';
import { prepareRaw, type PreparedRaw } from './prepare-raw.js';
import { SessionHolds } from './session-holds.js';

export interface Gatekeeper {
  /** Stops pulling, finishes the messages in hand, hands the buffered rest back. */
  stop(): Promise<void>;
  /** Settles when the loop ends; rejects when it ended on an error. */
  done: Promise<void>;
}

/** Redelivers a held message just after the one it waits for. */
const HOLD_MARGIN_MS = 50;

/**
 * The gatekeeper: leases raw messages from the durable consumer and runs each through the ingest verb.
 * Messages of one session go one after the other in stream order; different sessions run concurrently.
 */
export async function startGatekeeper(deps: GatekeeperDeps): Promise<Gatekeeper> {
  const { bus, lease } = deps;
  const { prefix, rawStream, gatekeeperDurable } = bus.names;
  await ensureConsumer(bus, rawStream, gatekeeperDurable, `${prefix}.raw.>`, {
    ackWaitMs: lease.ackWaitMs,
    maxDeliver: lease.maxDeliver,
    maxAckPending: Math.max(lease.batchSize * 4, 1000),
  });
  const holds = new SessionHolds();

  const handle = async (batch: LogMessage[]) => {
    holds.prune();
    const groups = new Map<string, PreparedRaw[]>();
    for (const msg of batch) {
      const p = prepareRaw(prefix, msg);
      const key = p.sessionId === null ? `#${msg.streamSeq}` : `${p.tenant}/${p.table}/${p.sessionId}`;
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    await forEachLimited([...groups], lease.concurrency, async ([key, items]) => {
      items.sort((a, b) => a.msg.streamSeq - b.msg.streamSeq);
      for (const p of items) {
        // A later message must not overtake an earlier one of its session that waits for a retry.
        const held = holds.heldFor(key);
        if (held > 0) {
          p.msg.nak(held + HOLD_MARGIN_MS);
          continue;
        }
        const retryMs = await gateMessage(deps, p).catch((err: unknown) => settleUnexpected(deps, p, err));
        if (retryMs > 0) holds.hold(key, retryMs);
      }
    });
  };

  const consumer = await consumeBatches(
    bus,
    rawStream,
    gatekeeperDurable,
    {
      batchSize: lease.batchSize,
      maxBytes: lease.maxBytes,
      maxWaitMs: lease.maxWaitMs,
      workingIntervalMs: lease.workingIntervalMs,
    },
    handle,
  );
  return { stop: () => consumer.stop(), done: consumer.done };
}

/** gateMessage settles every message itself; if settling threw (e.g. the connection closed), retry it. */
function settleUnexpected(deps: GatekeeperDeps, p: PreparedRaw, err: unknown): number {
  const delayMs = deps.lease.backoffMs[0] ?? 1000;
  deps.log('error', 'raw message could not be settled', { rawSeq: p.msg.streamSeq, err: errorText(err) });
  try {
    p.msg.nak(delayMs);
  } catch {
    // The lease lapses and JetStream redelivers after the ack wait.
  }
  return delayMs;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
