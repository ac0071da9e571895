import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';

const CHECK_TIMEOUT_MS = 3000;

/** `/healthz` (the process runs) and `/readyz` (NATS, Postgres and the object store answer now). */
export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const checks = {
        nats: () => deps.bus.nc.flush(),
        postgres: () => deps.db.sql`select 1`.then(() => undefined),
        object_store: () => deps.store.check(),
      };
      const results: Record<string, string> = {};
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          results[name] = await withTimeout(check(), CHECK_TIMEOUT_MS).then(
            () => 'ok',
            (err: Error) => `failing: ${err.message}`,
          );
        }),
      );
      const ready = Object.values(results).every((r) => r === 'ok');
      return c.json({ status: ready ? 'ready' : 'not_ready', checks: results }, ready ? 200 : 503);
    });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
