import type { JsMsg } from '@nats-io/jetstream';

/** A leased message of a durable pull consumer, without the NATS types. */
export interface LogMessage {
  streamSeq: number;
  subject: string;
  data: Uint8Array;
  /** JetStream's receive time: the same on every redelivery. */
  time: Date;
  /** 1 on first delivery; grows with every redelivery (the lease epoch). */
  deliveryCount: number;
  header(name: string): string | undefined;
  /** Done: never deliver again. */
  ack(): void;
  /** Retry later (after `delayMs`). */
  nak(delayMs?: number): void;
  /** Still working: extend the lease by another ack wait. */
  working(): void;
  /** Poison: never deliver again, not done. */
  term(): void;
}

type Settle = Pick<LogMessage, 'ack' | 'nak' | 'term'>;

/** Wraps a JsMsg; `settle` replaces how it is acked, nak'ed or terminated (e.g. with its duplicates). */
export function toLogMessage(m: JsMsg, settle?: Settle): LogMessage {
  return {
    streamSeq: m.seq,
    subject: m.subject,
    data: m.data,
    time: m.time,
    deliveryCount: m.info.deliveryCount,
    header: (name) => m.headers?.get(name) || undefined,
    ack: settle?.ack ?? (() => m.ack()),
    nak: settle?.nak ?? ((delayMs) => m.nak(delayMs)),
    working: () => m.working(),
    // nats-server 2.9 ignores term with a reason and redelivers; term() without one works.
    term: settle?.term ?? (() => m.term()),
  };
}
