/** The contract's problem body (RFC 9457) for any error; HTTP answers it, NATS replies with it. */
import { AppError, isAppError, PROBLEMS, RetryAfterError } from './errors.js';

export interface ProblemResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** The one place an error becomes an RFC 9457 problem: AppErrors keep their code, anything else is a 500. */
export function toProblem(err: unknown, requestId?: string): ProblemResponse {
  const e = isAppError(err)
    ? err
    : new AppError('internal', 'An unexpected error occurred; it has been logged.');
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (e instanceof RetryAfterError) headers['retry-after'] = String(e.retryAfterSeconds);
  const body: Record<string, unknown> = {
    type: `https://chainlake.dev/problems/${e.code.replace(/_/g, '-')}`,
    title: PROBLEMS[e.code].title,
    status: e.status,
    code: e.code,
    detail: e.detail,
    ...e.extras,
  };
  if (requestId) body.request_id = requestId;
  return { status: e.status, body, headers };
}
