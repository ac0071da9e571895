import * as v from 'valibot';
import { EventSchema } from './event.js';
import { SessionIdSchema } from './names.js';

/** The body of `POST /v1/ingest/{table}` and of the NATS ingest request (contract §4). */
export const IngestRequestSchema = v.strictObject({
  session_id: SessionIdSchema,
  idempotency_key: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must not be empty'),
      v.maxLength(128, 'must be at most 128 characters'),
    ),
  ),
  // The upper bound is a configurable limit answered with 413, checked by the ingest verb.
  events: v.pipe(v.array(EventSchema, 'must be an array'), v.minLength(1, 'must hold at least one event')),
});

export type IngestRequest = v.InferOutput<typeof IngestRequestSchema>;
