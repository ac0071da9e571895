import { Hono } from 'hono';
import type { CommitterHealth } from '../../health/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';

const CHECK_TIMEOUT_MS = 3000;

type Component = 'nats' | 'postgres' | 'object_store' | 'committer';

/** What /readyz needs beyond the connections. */
export interface ReadinessDeps {
  /** The roles this process runs; each needs some components (see NEEDS). */
  roles: readonly string[];
  /** Present when this process runs the committer (in-process or on its thread). */
  committer?: CommitterHealth;
}

const NEEDS: Record<string, Component[]> = {
  api: ['nats', 'postgres', 'object_store'],
  nats: ['nats', 'postgres'],
  gatekeeper: ['nats', 'postgres'],
  committer: ['nats', 'postgres', 'object_store', 'committer'],
};

/**
 * `/healthz` (the process runs) and `/readyz`: each component's state now (the committer's from its last
 * attempts, with since when and its last error); 200 only when every component this process's roles need is ok.
 */
export function healthRoutes(deps: AppDeps) {
  const roles = deps.readiness?.roles ?? ['api'];
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const probes = {
        nats: () => deps.bus.ping(),
        postgres: () => deps.db.sql`select 1`.then(() => undefined),
        object_store: () => deps.store.check(),
      };
      const checks: Record<string, string> = {};
      const components: Record<string, Record<string, unknown>> = {};
      await Promise.all(
        Object.entries(probes).map(async ([name, probe]) => {
          const error = await withTimeout(probe(), CHECK_TIMEOUT_MS).then(
            () => null,
            (err: Error) => err.message,
          );
          checks[name] = error === null ? 'ok' : `failing: ${error}`;
          components[name] = error === null ? { status: 'ok' } : { status: 'failing', error };
        }),
      );
      const committer = deps.readiness?.committer?.snapshot();
      if (committer) {
        checks.committer =
          committer.status === 'failing' ? `failing since ${committer.since}: ${committer.last_error}` : 'ok';
        components.committer = { ...committer };
      }
      const needed = new Set(roles.flatMap((r) => NEEDS[r] ?? []));
      const ready = [...needed].every((name) => !checks[name] || checks[name] === 'ok');
      return c.json({ status: ready ? 'ready' : 'not_ready', roles, checks, components }, ready ? 200 : 503);
    });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
