import type postgres from 'postgres';

interface PendingQuery {
  state: unknown;
  /** False for a query never run: a fragment inside another query. */
  executed: boolean;
  /** Set on cursors and forEach: long-running by design, bounded by statement_timeout only. */
  cursorFn?: unknown;
  forEachFn?: unknown;
  cancel(): unknown;
  resolve: (x: unknown) => void;
  reject: (e: unknown) => void;
}

/** postgres.js's code family for "no usable connection", which isConnectionError maps to 503. */
export class AcquireTimeoutError extends Error {
  override readonly name = 'AcquireTimeoutError';
  readonly code = 'CONNECTION_ACQUIRE_TIMEOUT';
}

/**
 * Wraps a postgres.js client so that a query without an answer after `ms` fails at once, whether it
 * still waits for a connection (postgres.js has no acquire timeout), sits pipelined behind a slow
 * statement, or went to a server that stopped answering; it is cancelled on the server too.
 */
export function withAcquireDeadline(sql: postgres.Sql, ms: number): postgres.Sql {
  const arm = <T>(q: T): T => {
    const query = q as unknown as PendingQuery;
    if (typeof query?.cancel !== 'function' || !('state' in query)) return q;
    const timer = setTimeout(() => {
      if (!query.executed || query.cursorFn || query.forEachFn) return;
      const where = query.state === null ? 'no Postgres connection' : 'no answer from Postgres';
      query.reject(new AcquireTimeoutError(`${where} within ${ms} ms`));
      void Promise.resolve(query.cancel()).catch(() => undefined);
    }, ms);
    timer.unref();
    for (const key of ['resolve', 'reject'] as const) {
      const settle = query[key];
      query[key] = (x) => {
        clearTimeout(timer);
        settle(x);
      };
    }
    return q;
  };
  const unsafe = new Proxy(sql.unsafe, {
    apply: (target, self, args) => arm(Reflect.apply(target, sql, args)),
  });
  return new Proxy(sql, {
    apply: (target, self, args) => arm(Reflect.apply(target, self, args)),
    get: (target, key, receiver) => (key === 'unsafe' ? unsafe : Reflect.get(target, key, receiver)),
  });
}
