import type { Bus } from './connect-bus.js';
import { HEADERS, type BatchEnvelope } from './batch-envelope.js';
import { readLastBatch, type LoggedBatch } from './read-last-batch.js';

export interface ReadLogOptions {
  /** Fail when no message arrives for this long while more are due (default 10 s). */
  idleTimeoutMs?: number;
}

/**
 * Every batch logged on one session's subject, oldest first, up to the last one logged when the read
 * starts. An ordered consumer (ephemeral, flow-controlled, no acks) filtered to the subject does the read.
 */
export async function* readSessionLog(
  bus: Bus,
  subject: string,
  opts: ReadLogOptions = {},
): AsyncGenerator<LoggedBatch & { data: Uint8Array; signed: boolean }> {
  const idleMs = opts.idleTimeoutMs ?? 10_000;
  const last = await readLastBatch(bus, subject);
  if (!last) return;
  // One filter subject as a string: an array needs nats-server 2.10.
  const consumer = await bus.js.consumers.get(bus.names.eventsStream, { filter_subjects: subject });
  const messages = await consumer.consume({ max_messages: 256 });
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      stalled = true;
      void messages.close();
    }, idleMs);
  };
  arm();
  try {
    for await (const m of messages) {
      clearTimeout(timer);
      // `signed`: the gatekeeper tagged it, so its body has encodeLogBody's canonical layout.
      const signed =
        m.headers?.get(HEADERS.signature) !== undefined && m.headers?.get(HEADERS.signature) !== '';
      yield { streamSeq: m.seq, envelope: m.json<BatchEnvelope>(), time: m.time, data: m.data, signed };
      if (m.seq >= last.streamSeq) return;
      arm();
    }
    throw new Error(
      stalled
        ? `no message from ${subject} for ${idleMs} ms; stream sequence ${last.streamSeq} was expected`
        : `the log read of ${subject} ended before stream sequence ${last.streamSeq}`,
    );
  } finally {
    clearTimeout(timer);
    await messages.close().catch(() => undefined);
  }
}
