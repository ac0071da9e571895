import * as v from 'valibot';
import { EventSchema } from './event.js';
import { SessionIdSchema, WELL_FORMED } from './names.js';

/**
 * Printable text without surrounding whitespace: the key travels as a NATS header (no CR/LF there,
 * values are trimmed) and is stored in Postgres (no U+0000). Empty matches: minLength reports it.
 */
const IDEMPOTENCY_KEY_PATTERN =
  /^(?:[^\s\u0000-\u001f\u007f](?:[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f])?)?$/;

/** The body of `POST /v1/ingest/{table}` and of the NATS ingest request (docs/contract.md §4). */
export const IngestRequestSchema = v.strictObject({
  session_id: SessionIdSchema,
  idempotency_key: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must not be empty'),
      v.maxLength(128, 'must be at most 128 characters'),
      v.regex(IDEMPOTENCY_KEY_PATTERN, 'must be printable text without surrounding whitespace'),
      v.check((k) => k.isWellFormed(), WELL_FORMED),
    ),
  ),
  // The upper bound is a configurable limit answered with 413, checked by the ingest verb.
  events: v.pipe(v.array(EventSchema, 'must be an array'), v.minLength(1, 'must hold at least one event')),
});

export type IngestRequest = v.InferOutput<typeof IngestRequestSchema>;
