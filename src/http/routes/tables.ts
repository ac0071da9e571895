import { Hono } from 'hono';
import { CreateTableSchema, parseOrThrow, TABLE_PATTERN } from '../../contracts/index.js';
import { AppError } from '../../errors.js';
import { createTable, deleteTable, getTable, listTables } from '../../tenancy/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';
import { requireRole } from '../auth.js';
import type { BodyLimits } from '../read-body.js';
import { readJson } from '../read-json.js';

/** The table catalog (docs/contract.md §4 "Tables"): admin changes, reader reads. */
export function tableRoutes(deps: AppDeps, limits: BodyLimits) {
  return new Hono<AppEnv>()
    .post('/', requireRole('admin'), async (c) => {
      const def = parseOrThrow(CreateTableSchema, await readJson(c, limits));
      const table = await createTable(deps.db, c.get('principal').tenant, def);
      return c.json(table, 201);
    })
    .get('/', requireRole('reader'), async (c) =>
      c.json({ tables: await listTables(deps.db, c.get('principal').tenant) }),
    )
    .get('/:table', requireRole('reader'), async (c) => {
      const table = await getTable(deps.db, c.get('principal').tenant, tableName(c.req.param('table')));
      if (!table) throw notFound(c.req.param('table'));
      return c.json(table);
    })
    .delete('/:table', requireRole('admin'), async (c) => {
      const deleted = await deleteTable(deps.db, c.get('principal').tenant, tableName(c.req.param('table')));
      if (!deleted) throw notFound(c.req.param('table'));
      return c.body(null, 204);
    });
}

function tableName(name: string): string {
  if (!TABLE_PATTERN.test(name)) throw notFound(name);
  return name;
}

function notFound(name: string) {
  return new AppError('table_not_found', `Table "${name}" does not exist.`);
}
