import { Hono } from 'hono';
import { parseVisibilityToken } from '../../bus/index.js';
import { TABLE_PATTERN } from '../../contracts/index.js';
import { AppError } from '../../errors.js';
import { getSnapshot, listSnapshots, readWatermark, tableWatermark } from '../../lake/index.js';
import { toVisibilityToken } from '../../bus/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';
import { requireRole } from '../auth.js';

/** Watermarks, visibility and snapshots (docs/contract.md §4, role reader). */
export function lakeRoutes(deps: AppDeps) {
  const tables = new Hono<AppEnv>()
    .get('/:table/watermark', requireRole('reader'), async (c) =>
      c.json(
        await tableWatermark(deps.bus, deps.db, c.get('principal').tenant, tableName(c.req.param('table'))),
      ),
    )
    .get('/:table/snapshots', requireRole('reader'), async (c) => {
      const limit = positiveInt(c.req.query('limit'), 'limit', 100, 1000);
      return c.json({
        snapshots: await listSnapshots(
          deps.db,
          c.get('principal').tenant,
          tableName(c.req.param('table')),
          limit,
        ),
      });
    })
    .get('/:table/snapshots/:id', requireRole('reader'), async (c) => {
      const id = Number(c.req.param('id'));
      const snapshot =
        Number.isSafeInteger(id) && id > 0
          ? await getSnapshot(
              deps.db,
              deps.store,
              c.get('principal').tenant,
              tableName(c.req.param('table')),
              id,
            )
          : null;
      if (!snapshot)
        throw new AppError('snapshot_not_found', `Snapshot ${c.req.param('id')} does not exist.`);
      return c.json(snapshot);
    });
  const visibility = new Hono<AppEnv>().get('/:token', requireRole('reader'), async (c) => {
    const seq = parseVisibilityToken(c.req.param('token'));
    if (seq === null) {
      throw new AppError('invalid_request', 'Not a visibility token of this service.', {
        errors: [{ path: '/token', message: 'unknown token format' }],
      });
    }
    const wm = await readWatermark(deps.db, deps.bus.names.eventsStream);
    return c.json({ visible: seq <= wm.seq, watermark: toVisibilityToken(wm.seq) });
  });
  return { tables, visibility };
}

function tableName(name: string): string {
  if (!TABLE_PATTERN.test(name)) throw new AppError('table_not_found', `Table "${name}" does not exist.`);
  return name;
}

function positiveInt(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) {
    throw new AppError(
      'invalid_request',
      `Query parameter ${name} must be a whole number from 1 to ${max}.`,
      {
        errors: [{ path: `?${name}`, message: `must be 1..${max}` }],
      },
    );
  }
  return n;
}
