const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
]);

/** postgres.js's own codes: CONNECTION_CLOSED, CONNECTION_ENDED, CONNECTION_DESTROYED, CONNECT_TIMEOUT. */
const DRIVER_CODE = /^(CONNECTION_|CONNECT_TIMEOUT)/;

/** SQLSTATEs meaning "the server cannot serve this now", not "this statement is wrong". */
const SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '57P05', // idle_session_timeout
  '57014', // query_canceled: a statement past the API's deadline (statement_timeout)
  '53300', // too_many_connections
  '53000', // insufficient_resources
  '58000', // system_error
  '58030', // io_error
]);

/**
 * True when `err` (or any error in its cause chain, drizzle wraps driver errors) means Postgres is
 * unreachable or going away: callers answer 503 / nak and retry later instead of failing the work.
 */
export function isConnectionError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length > 0) {
    const e = stack.pop();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') {
      if (NODE_CODES.has(code) || DRIVER_CODE.test(code) || SQLSTATES.has(code) || code.startsWith('08')) {
        return true;
      }
    }
    stack.push(cause);
    if (Array.isArray(errors)) stack.push(...errors); // AggregateError from a multi-address connect
  }
  return false;
}

/** The SQLSTATE of a Postgres error, looking through drizzle's wrapper; undefined otherwise. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { code, cause, name } = e as { code?: unknown; cause?: unknown; name?: unknown };
    if (name === 'PostgresError' && typeof code === 'string') return code;
    e = cause;
  }
  return undefined;
}
