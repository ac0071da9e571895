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

export function toLogMessage(m: JsMsg): LogMessage {
  return {
    streamSeq: m.seq,
    subject: m.subject,
    data: m.data,
    time: m.time,
    deliveryCount: m.info.deliveryCount,
    header: (name) => m.headers?.get(name) || undefined,
    ack: () => m.ack(),
    nak: (delayMs) => m.nak(delayMs),
    working: () => m.working(),
    // nats-server 2.9 ignores term with a reason and redelivers; term() without one works.
    term: () => m.term(),
  };
}
