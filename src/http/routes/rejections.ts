import { Hono } from 'hono';
import { TABLE_PATTERN } from '../../contracts/index.js';
import { AppError } from '../../errors.js';
import { listRejections, MAX_REJECTIONS_LIMIT } from '../../rejections/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';
import { requireRole } from '../auth.js';

const DEFAULT_LIMIT = 100;

/** `GET /v1/rejections?table=&limit=` (docs/contract.md §4, role reader): the caller's tenant only, newest first. */
export function rejectionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('reader'), async (c) => {
    const table = c.req.query('table');
    if (table !== undefined && !TABLE_PATTERN.test(table))
      throw queryError('table', `must match ${TABLE_PATTERN.source}`);
    const limit = parseLimit(c.req.query('limit'));
    const list = await listRejections(deps.db, c.get('principal').tenant, { table, limit });
    return c.json({
      rejections: list.map((r) => ({
        id: r.id,
        table: r.table,
        session_id: r.session_id,
        code: r.code,
        detail: r.detail,
        msg_id: r.msg_id,
        received_at: r.received_at,
        redriven_at: r.redriven_at,
      })),
    });
  });
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_REJECTIONS_LIMIT)
    throw queryError('limit', `must be a whole number from 1 to ${MAX_REJECTIONS_LIMIT}`);
  return n;
}

function queryError(name: string, message: string) {
  return new AppError('invalid_request', `Query parameter ${name} ${message}.`, {
    errors: [{ path: `?${name}`, message }],
  });
}
