/** How a call is retried when the service is unavailable, rate limited or unreachable. */
export interface RetryOptions {
  /** Tries in all, the first included (default 6). */
  attempts?: number | undefined;
  /** The first wait's upper bound; it doubles with each try (default 200 ms). */
  baseDelayMs?: number | undefined;
  /** No wait is longer than this, whatever `Retry-After` says (default 5000 ms). */
  maxDelayMs?: number | undefined;
}

/** A retry policy with every knob set. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY_DEFAULTS: Readonly<RetryPolicy> = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5000 };

/** The defaults, overridden by each option that is set (an explicit `undefined` keeps the default). */
export function retryPolicy(opts: RetryOptions = {}): RetryPolicy {
  return {
    attempts: opts.attempts ?? RETRY_DEFAULTS.attempts,
    baseDelayMs: opts.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: opts.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
  };
}

/** Statuses that mean "nothing was done, try again later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * The wait before try `attempt + 1` (attempt counts from 1): "full jitter" exponential backoff, so that
 * many clients do not retry in step, at least `Retry-After` when the server sent one, never above the cap.
 */
export function backoffDelay(
  attempt: number,
  opts: RetryPolicy,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(random() * ceiling);
  const floor = retryAfterSeconds !== undefined && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 0;
  return Math.min(opts.maxDelayMs, Math.max(jittered, floor));
}

/** `Retry-After` in seconds (delta form only; a date is ignored), or undefined. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
