/** An RFC 9457 problem as chainlake answers it (docs/contract.md §4). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail: string;
  seq?: number;
  expected_seq?: number;
  head?: { seq: number; hash: string } | null;
  errors?: { path: string; message: string }[];
  [key: string]: unknown;
}

/** Any failed call: `status` is the HTTP status (0 when no answer came), `code` the problem code. */
export class ChainlakeError extends Error {
  override name = 'ChainlakeError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly problem: Problem | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 400: the batch itself is wrong (`invalid_request`, `hash_mismatch`, `broken_link`); `seq` names the event. */
export class ChainRejectedError extends ChainlakeError {
  override name = 'ChainRejectedError';
  get seq(): number | undefined {
    return this.problem?.seq;
  }
}

/** 409: the batch does not continue the accepted head, or lost a race; reopen the writer to resume. */
export class ChainConflictError extends ChainlakeError {
  override name = 'ChainConflictError';
  get expectedSeq(): number | undefined {
    return this.problem?.expected_seq;
  }
  get head(): { seq: number; hash: string } | null | undefined {
    return this.problem?.head;
  }
}

/** The typed error of an HTTP answer that is not a success. */
export function errorFromAnswer(status: number, body: unknown): ChainlakeError {
  const problem =
    typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string'
      ? (body as Problem)
      : null;
  const code = problem?.code ?? `http_${status}`;
  const message = `${status} ${code}: ${problem?.detail ?? 'no problem details'}`;
  if (status === 400) return new ChainRejectedError(status, code, problem, message);
  if (status === 409) return new ChainConflictError(status, code, problem, message);
  return new ChainlakeError(status, code, problem, message);
}
