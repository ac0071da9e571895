import { headers } from '@nats-io/nats-core';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { Bus } from './connect-bus.js';
import { HEADERS } from './batch-envelope.js';

export type PublishOutcome =
  | { kind: 'stored'; streamSeq: number }
  /** The msg-id was seen inside the dedup window: the batch is already in the log at `streamSeq`. */
  | { kind: 'duplicate'; streamSeq: number }
  /** Another writer appended to the session first (the optimistic lock failed). */
  | { kind: 'lost_race' };

export interface PublishRequest {
  subject: string;
  /** The encoded log body (src/wire encodeLogBody). */
  data: Uint8Array;
  msgId: string;
  /** Stream sequence of the session's last message, or 0 when the log holds none. */
  expectedLastSubjectSeq: number;
  idempotencyKey?: string;
  fingerprint?: string;
  requestCount?: number;
  /** The gatekeeper's tag over subject, these headers and the body. */
  signature: string;
}

/** Appends one sealed batch as ONE message, deduplicated by msg-id and locked on the subject's last sequence. */
export async function publishBatch(bus: Bus, req: PublishRequest): Promise<PublishOutcome> {
  const h = headers();
  if (req.idempotencyKey !== undefined) h.set(HEADERS.idempotencyKey, req.idempotencyKey);
  if (req.fingerprint !== undefined) h.set(HEADERS.fingerprint, req.fingerprint);
  if (req.requestCount !== undefined) h.set(HEADERS.requestCount, String(req.requestCount));
  h.set(HEADERS.signature, req.signature);
  try {
    const ack = await bus.js.publish(req.subject, req.data, {
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
