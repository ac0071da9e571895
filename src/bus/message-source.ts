import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Bus } from './connect-bus.js';
import { toLogMessage, type LogMessage } from './log-message.js';

export interface SourceOptions {
  batchSize: number;
  /** A batch also ends once its messages reach this many bytes; prefetch holds at most twice that. */
  maxBytes: number;
  /** After the first message arrives, wait at most this long for more (0: take what is there). */
  maxWaitMs: number;
  /** How often leased messages get working() while they wait or are in hand. */
  workingIntervalMs: number;
}

/** Leased messages of a durable pull consumer, taken in batches; each keeps its lease until settled. */
export interface MessageSource {
  /** Waits until a message is buffered, then takes up to a batch; empty once stopped. */
  next(): Promise<LogMessage[]>;
  /** Stops pulling and hands buffered (not taken) messages back for redelivery. */
  stop(): Promise<void>;
}

/** One stream sequence in hand: NATS 2.9 may deliver it twice at once; settling settles every copy. */
interface Entry {
  msgs: JsMsg[];
  bytes: number;
}

/** Opens a consumer's messages with prefetch bounded in bytes, deduplicated by stream sequence. */
export async function openMessageSource(
  bus: Bus,
  stream: string,
  durable: string,
  opts: SourceOptions,
): Promise<MessageSource> {
  const consumer = await bus.js.consumers.get(stream, durable);
  // nats.js takes bytes or messages, not both: a message can be near 1 MiB.
  const messages: ConsumerMessages = await consumer.consume({ max_bytes: opts.maxBytes * 2, expires: 5000 });
  const buffer: Entry[] = [];
  const bySeq = new Map<number, Entry>(); // buffered and in hand, until settled
  let bufferedBytes = 0;
  let stopped = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => ((wake = null), resolve()), ms);
      wake = () => (clearTimeout(t), resolve());
    });

  const full = () => buffer.length >= opts.batchSize || bufferedBytes >= opts.maxBytes;

  const pump = (async () => {
    for await (const m of messages) {
      const seen = bySeq.get(m.seq);
      if (seen) {
        // The newest delivery leads (its lease epoch counts); the others are settled with it.
        seen.msgs.unshift(m);
        continue;
      }
      const entry: Entry = { msgs: [m], bytes: m.data.length };
      bySeq.set(m.seq, entry);
      buffer.push(entry);
      bufferedBytes += entry.bytes;
      // Wake a waiting next(): at the first message, or when a lingering batch is full.
      if (buffer.length === 1 || full()) signal();
    }
  })().catch(() => undefined);

  const keepLeases = setInterval(() => {
    for (const e of bySeq.values()) for (const m of e.msgs) m.working();
  }, opts.workingIntervalMs);

  const settled = (e: Entry, settle: (m: JsMsg) => void) => {
    bySeq.delete(e.msgs[0]!.seq);
    for (const m of e.msgs) settle(m);
  };
  const take = (): LogMessage[] => {
    let n = 0;
    let bytes = 0;
    while (
      n < buffer.length &&
      n < opts.batchSize &&
      (n === 0 || bytes + buffer[n]!.bytes <= opts.maxBytes)
    ) {
      bytes += buffer[n]!.bytes;
      n++;
    }
    bufferedBytes -= bytes;
    return buffer.splice(0, n).map((e) =>
      toLogMessage(e.msgs[0]!, {
        ack: () => settled(e, (m) => m.ack()),
        nak: (delayMs) => settled(e, (m) => m.nak(delayMs)),
        term: () => settled(e, (m) => m.term()),
      }),
    );
  };
  return {
    async next() {
      while (!stopped && buffer.length === 0) await sleep(1000);
      if (!stopped && opts.maxWaitMs > 0 && !full()) await sleep(opts.maxWaitMs);
      return stopped ? [] : take();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(keepLeases);
      signal();
      await messages.close().catch(() => undefined);
      await pump;
      // Hand buffered messages back now instead of letting their leases run out.
      for (const e of buffer.splice(0)) settled(e, (m) => m.nak());
      bufferedBytes = 0;
    },
  };
}
