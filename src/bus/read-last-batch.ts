import type { Bus } from './connect-bus.js';
import type { BatchEnvelope } from './batch-envelope.js';

/** The newest message on a session's subject: its stream sequence and the batch it holds. */
export interface LoggedBatch {
  streamSeq: number;
  envelope: BatchEnvelope;
  time: Date;
}

/** Reads the last batch logged on `subject`, or null when the log holds none (never written, or aged out). */
export async function readLastBatch(bus: Bus, subject: string): Promise<LoggedBatch | null> {
  // The leader-served get (not direct get) so a replica lagging behind never yields a stale head.
  const msg = await bus.jsm.streams.getMessage(bus.names.eventsStream, { last_by_subj: subject });
  if (!msg) return null;
  return { streamSeq: msg.seq, envelope: msg.json<BatchEnvelope>(), time: msg.time };
}

/** Reads the batch at a stream sequence (the message behind a visibility token), or null. */
export async function readBatchAt(
  bus: Bus,
  streamSeq: number,
): Promise<(LoggedBatch & { subject: string }) | null> {
  const msg = await bus.jsm.streams.getMessage(bus.names.eventsStream, { seq: streamSeq });
  if (!msg) return null;
  return { streamSeq: msg.seq, envelope: msg.json<BatchEnvelope>(), time: msg.time, subject: msg.subject };
}

/** When the message at a stream sequence was stored, without decoding it; null when there is none. */
export async function readMessageTime(bus: Bus, streamSeq: number): Promise<Date | null> {
  const msg = await bus.jsm.streams.getMessage(bus.names.eventsStream, { seq: streamSeq });
  return msg ? msg.time : null;
}
