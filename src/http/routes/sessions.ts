import { Hono } from 'hono';
import { SESSION_ID_PATTERN, TABLE_PATTERN } from '../../contracts/index.js';
import { AppError } from '../../errors.js';
import { getSessionInfo } from '../../replay/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';
import { requireRole } from '../auth.js';

/** Session reads under `/v1/tables/{table}/sessions/{session_id}` (role reader). */
export function sessionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/:table/sessions/:sessionId', requireRole('reader'), async (c) => {
    const { table, sessionId } = c.req.param();
    if (!TABLE_PATTERN.test(table) || !SESSION_ID_PATTERN.test(sessionId)) {
      throw new AppError('session_not_found', `Session "${sessionId}" does not exist in table "${table}".`);
    }
    return c.json(await getSessionInfo(deps.bus, deps.db, c.get('principal').tenant, table, sessionId));
  });
}
