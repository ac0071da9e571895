import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Bus } from './connect-bus.js';
import { toLogMessage, type LogMessage } from './log-message.js';

export interface BatchingOptions {
  batchSize: number;
  /** A batch also ends once its messages reach this many bytes; prefetch holds at most twice that. */
  maxBytes: number;
  /** After the first message arrives, wait at most this long for the batch to fill. */
  maxWaitMs: number;
  /** How often leased messages get working() while they wait or are being handled. */
  workingIntervalMs: number;
}

export interface BatchConsumer {
  /** Stops pulling, lets the batch in hand finish, and returns the buffered rest for redelivery. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after stop, or on a fatal error, which it rethrows). */
  done: Promise<void>;
}

/**
 * Pulls from a durable consumer and hands over batches of up to `batchSize`. Messages keep their lease
 * (working()) while buffered or in hand; the handler acks, naks or terms each one.
 */
export async function consumeBatches(
  bus: Bus,
  stream: string,
  durable: string,
  opts: BatchingOptions,
  handle: (batch: LogMessage[]) => Promise<void>,
): Promise<BatchConsumer> {
  const consumer = await bus.js.consumers.get(stream, durable);
  // Prefetch bounded in bytes (nats.js takes bytes or messages, not both): a message can be near 1 MiB.
  const messages: ConsumerMessages = await consumer.consume({
    max_bytes: opts.maxBytes * 2,
    expires: 5000,
  });
  const buffer: JsMsg[] = [];
  let bufferedBytes = 0;
  const full = () => buffer.length >= opts.batchSize || bufferedBytes >= opts.maxBytes;
  const take = (): JsMsg[] => {
    let n = 0;
    let bytes = 0;
    while (n < buffer.length && n < opts.batchSize && (n === 0 || bytes + buffer[n]!.data.length <= opts.maxBytes)) {
      bytes += buffer[n]!.data.length;
      n++;
    }
    bufferedBytes -= bytes;
    return buffer.splice(0, n);
  };
  let inHand: JsMsg[] = [];
  let stopping = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const pump = (async () => {
    for await (const m of messages) {
      buffer.push(m);
      bufferedBytes += m.data.length;
      if (buffer.length === 1 || full()) signal();
    }
  })();

  const keepLeases = setInterval(() => {
    for (const m of inHand) m.working();
    for (const m of buffer) m.working();
  }, opts.workingIntervalMs);

  const done = (async () => {
    try {
      while (!stopping) {
        if (buffer.length === 0) await sleep(1000);
        if (stopping || buffer.length === 0) continue;
        if (!full()) {
          await sleep(opts.maxWaitMs);
          if (stopping) break;
        }
        inHand = take();
        await handle(inHand.map(toLogMessage));
        inHand = [];
      }
    } finally {
      clearInterval(keepLeases);
      // After a fatal error nothing may keep pulling: leased messages come back after their ack wait.
      if (!stopping) await messages.close().catch(() => undefined);
    }
  })();

  return {
    done,
    async stop() {
      stopping = true;
      signal();
      await messages.close().catch(() => undefined);
      await done.catch(() => undefined);
      await pump.catch(() => undefined);
      // Hand buffered messages back now instead of letting their leases run out.
      for (const m of buffer.splice(0)) m.nak();
      bufferedBytes = 0;
    },
  };
}
