import { Hono } from 'hono';
import { TABLE_PATTERN } from '../../contracts/index.js';
import { isConnectionError } from '../../db/index.js';
import { AppError, isAppError, RetryAfterError } from '../../errors.js';
import { ingestBatch } from '../../ingest/index.js';
import { findLiveTable } from '../../tenancy/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';
import { requireRole } from '../auth.js';
import { ClientClosedError } from '../client-closed-error.js';
import type { BodyLimits } from '../read-body.js';
import { readJson } from '../read-json.js';

const MAX_WAIT_MS = 60_000;

/** `POST /v1/ingest/{table}` (docs/contract.md §4 "Ingest"). */
export function ingestRoutes(deps: AppDeps, limits: BodyLimits) {
  return new Hono<AppEnv>().post('/:table', requireRole('ingest_writer'), async (c) => {
    const table = c.req.param('table');
    if (!TABLE_PATTERN.test(table)) throw new AppError('table_not_found', `Table "${table}" does not exist.`);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      // Known before the body is read (cached lookup): an unknown table is refused before 100 Continue.
      const live = await findLiveTable(deps.db, c.get('principal').tenant, table).catch((err: unknown) => {
        if (isConnectionError(err))
          throw new RetryAfterError('The database is unavailable; nothing was written.', 2);
        return undefined; // the verb decides
      });
      if (live === null) throw new AppError('table_not_found', `Table "${table}" does not exist.`);
      const body = await readJson(c, limits);
      const result = await ingestBatch(deps.ingest, {
        tenant: c.get('principal').tenant,
        table,
        body,
        waitMs: parseWait(c.req.query('wait_for_visibility'), c.req.query('timeout_ms')),
      });
      deps.metrics?.observeIngest('http', result.answer.status, seconds(), result.answer.accepted_count);
      return c.json(result.answer, result.httpStatus);
    } catch (err) {
      // A client gone mid-body is nobody's fault here: counted apart, never as internal.
      const code =
        err instanceof ClientClosedError ? 'client_closed' : isAppError(err) ? err.code : 'internal';
      deps.metrics?.observeIngest('http', code, seconds());
      throw err;
    }
  });
}

function parseWait(flag: string | undefined, timeout: string | undefined): number | undefined {
  if (flag === undefined || flag === 'false') return undefined;
  if (flag !== 'true') throw queryError('wait_for_visibility', 'must be true or false');
  if (timeout === undefined) return 10_000;
  const ms = Number(timeout);
  if (!/^\d+$/.test(timeout) || ms > MAX_WAIT_MS)
    throw queryError('timeout_ms', `must be a whole number of milliseconds up to ${MAX_WAIT_MS}`);
  return ms;
}

function queryError(name: string, message: string) {
  return new AppError('invalid_request', `Query parameter ${name} ${message}.`, {
    errors: [{ path: `?${name}`, message }],
  });
}
