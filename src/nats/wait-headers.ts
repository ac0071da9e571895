import { AppError } from '../errors.js';

/** Request headers carrying HTTP's `?wait_for_visibility=true&timeout_ms=` over NATS. */
export const WAIT_HEADERS = {
  waitForVisibility: 'Chainlake-Wait-For-Visibility',
  timeoutMs: 'Chainlake-Timeout-Ms',
} as const;

const DEFAULT_WAIT_MS = 10_000;
const MAX_WAIT_MS = 60_000;

/** How long to hold the answer for visibility, or undefined when not asked to (same rules as HTTP). */
export function parseWaitHeaders(header: (name: string) => string | undefined): number | undefined {
  const flag = header(WAIT_HEADERS.waitForVisibility)?.trim().toLowerCase();
  const timeout = header(WAIT_HEADERS.timeoutMs)?.trim();
  if (flag === undefined || flag === '' || flag === 'false') return undefined;
  if (flag !== 'true') throw headerError(WAIT_HEADERS.waitForVisibility, 'must be true or false');
  if (timeout === undefined || timeout === '') return DEFAULT_WAIT_MS;
  const ms = Number(timeout);
  if (!/^\d+$/.test(timeout) || ms > MAX_WAIT_MS)
    throw headerError(WAIT_HEADERS.timeoutMs, `must be a whole number of milliseconds up to ${MAX_WAIT_MS}`);
  return ms;
}

function headerError(name: string, message: string) {
  return new AppError('invalid_request', `Header ${name} ${message}.`, {
    errors: [{ path: `header ${name}`, message }],
  });
}
