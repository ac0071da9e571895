/**
 * The closed set of errors chainlake answers with. Each transport maps them in one place:
 * HTTP and NATS → problem+json (src/problem.ts), the bus → ack decisions.
 */

/** Every problem code of the wire contract, with its HTTP status and title. */
export const PROBLEMS = {
  invalid_request: { status: 400, title: 'Invalid request' },
  hash_mismatch: { status: 400, title: 'Hash mismatch' },
  broken_link: { status: 400, title: 'Broken link' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  table_not_found: { status: 404, title: 'Table not found' },
  session_not_found: { status: 404, title: 'Session not found' },
  snapshot_not_found: { status: 404, title: 'Snapshot not found' },
  rejection_not_found: { status: 404, title: 'Rejection not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  sequence_gap: { status: 409, title: 'Sequence gap' },
  sequence_conflict: { status: 409, title: 'Sequence conflict' },
  concurrent_append: { status: 409, title: 'Concurrent append' },
  idempotency_key_reused: { status: 409, title: 'Idempotency key reused' },
  table_exists: { status: 409, title: 'Table exists' },
  request_timeout: { status: 408, title: 'Request timeout' },
  batch_too_large: { status: 413, title: 'Batch too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** One schema violation, as listed in an `invalid_request` problem. */
export interface FieldError {
  path: string;
  message: string;
}

/** Extra members a problem body may carry (docs/contract.md §4). */
export interface ProblemExtras {
  seq?: number;
  expected_seq?: number;
  head?: { seq: number; hash: string } | null;
  errors?: FieldError[];
  [key: string]: unknown;
}

/** An expected, client-facing failure: always mapped to its status, never to a 500. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extras: ProblemExtras = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.status = PROBLEMS[code].status;
  }
}

/** A dependency cannot take the work now (NATS, Postgres, object store); safe to retry later. */
export class RetryAfterError extends AppError {
  constructor(
    detail: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super('unavailable', detail, {}, options);
  }
}

/** Work that can never succeed however often it is retried (e.g. an undecodable log message). */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
