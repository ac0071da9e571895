import { headers } from '@nats-io/nats-core';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { Bus } from './connect-bus.js';
import { encodeEnvelope, HEADERS, type BatchEnvelope } from './batch-envelope.js';

export type PublishOutcome =
  | { kind: 'stored'; streamSeq: number }
  /** The msg-id was seen inside the dedup window: the batch is already in the log at `streamSeq`. */
  | { kind: 'duplicate'; streamSeq: number }
  /** Another writer appended to the session first (the optimistic lock failed). */
  | { kind: 'lost_race' };

export interface PublishRequest {
  subject: string;
  envelope: BatchEnvelope;
  msgId: string;
  /** Stream sequence of the session's last message, or 0 when the log holds none. */
  expectedLastSubjectSeq: number;
  idempotencyKey?: string;
  fingerprint?: string;
}

/** Appends one sealed batch as ONE message, deduplicated by msg-id and locked on the subject's last sequence. */
export async function publishBatch(
  bus: Bus,
  req: PublishRequest,
  data = encodeEnvelope(req.envelope),
): Promise<PublishOutcome> {
  const h = headers();
  if (req.idempotencyKey !== undefined) h.set(HEADERS.idempotencyKey, req.idempotencyKey);
  if (req.fingerprint !== undefined) h.set(HEADERS.fingerprint, req.fingerprint);
  try {
    const ack = await bus.js.publish(req.subject, data, {
      msgID: req.msgId,
      expect: { lastSubjectSequence: req.expectedLastSubjectSeq },
      headers: h,
    });
    return ack.duplicate ? { kind: 'duplicate', streamSeq: ack.seq } : { kind: 'stored', streamSeq: ack.seq };
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence) {
      return { kind: 'lost_race' };
    }
    throw err;
  }
}
