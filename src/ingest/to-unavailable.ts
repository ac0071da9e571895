import { isBusUnavailable } from '../bus/index.js';
import { isConnectionError } from '../db/index.js';
import { isAppError, RetryAfterError } from '../errors.js';

/** Runs work that touches NATS or Postgres; an outage of either becomes a 503 with Retry-After. */
export async function toUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isAppError(err)) throw err;
    // Postgres first: the bus test matches any "timeout" or "ECONNREFUSED", a database's too.
    if (isConnectionError(err))
      throw new RetryAfterError('The database is unavailable; nothing was written.', 2, { cause: err });
    if (isBusUnavailable(err))
      throw new RetryAfterError('The event log cannot take the batch now; nothing was written.', 1, {
        cause: err,
      });
    throw err;
  }
}
