import type { Bus } from './connect-bus.js';
import type { LogMessage } from './log-message.js';
import { openMessageSource, type SourceOptions } from './message-source.js';

export type BatchingOptions = SourceOptions;

export interface BatchConsumer {
  /** Stops pulling, lets the batch in hand finish, and returns the buffered rest for redelivery. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after stop, or on a fatal error, which it rethrows). */
  done: Promise<void>;
}

/**
 * Pulls from a durable consumer and hands over one batch at a time. Messages keep their lease
 * (working()) while buffered or in hand; the handler acks, naks or terms each one.
 */
export async function consumeBatches(
  bus: Bus,
  stream: string,
  durable: string,
  opts: BatchingOptions,
  handle: (batch: LogMessage[]) => Promise<void>,
): Promise<BatchConsumer> {
  const source = await openMessageSource(bus, stream, durable, opts);
  const done = (async () => {
    try {
      for (let batch = await source.next(); batch.length > 0; batch = await source.next())
        await handle(batch);
    } finally {
      // After a fatal error nothing may keep pulling: leased messages come back after their ack wait.
      await source.stop();
    }
  })();
  return {
    done,
    async stop() {
      await source.stop();
      await done.catch(() => undefined);
    },
  };
}
