import { Hono, type Context } from 'hono';
import { SESSION_ID_PATTERN, TABLE_PATTERN } from '../../contracts/index.js';
import { AppError } from '../../errors.js';
import {
  replayDeps,
  replayPage,
  replayStream,
  verifyLakeSession,
  verifySession,
  type SessionKey,
} from '../../replay/index.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../app-env.js';
import { requireRole } from '../auth.js';

const MAX_PAGE = 1000;
const NDJSON = 'application/x-ndjson';

/** Replay and verification of one session (docs/contract.md §4 "Replay and verification", role reader). */
export function replayRoutes(deps: AppDeps) {
  const source = replayDeps(deps.db, deps.bus);
  // NDJSON streams outlive the ingest/read statement deadline: they read from their own pool.
  const streamSource = deps.streamDb ? replayDeps(deps.streamDb, deps.bus) : source;
  return new Hono<AppEnv>()
    .get('/:table/sessions/:sessionId/events', requireRole('reader'), async (c) => {
      const key = sessionKey(c);
      const afterSeq = intParam(c.req.query('after_seq'), 'after_seq', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      if ((c.req.header('accept') ?? '').includes(NDJSON)) {
        const limit = intParam(c.req.query('limit'), 'limit', 1, Number.MAX_SAFE_INTEGER);
        const replay = await replayStream(streamSource, key, { afterSeq, limit });
        const headers = {
          'content-type': `${NDJSON}; charset=utf-8`,
          'chainlake-watermark': replay.watermark,
        };
        if (c.req.method === 'HEAD') {
          // The generator has not started: no cursor was opened, and none is left waiting for a reader.
          await replay.chunks.return(undefined);
          return c.body(null, 200, headers);
        }
        return c.body(toReadable(replay.chunks, c.req.raw.signal), 200, headers);
      }
      const limit = intParam(c.req.query('limit'), 'limit', 1, MAX_PAGE) ?? MAX_PAGE;
      const page = await replayPage(source, key, { afterSeq, limit });
      return c.body(page.json, 200, {
        'content-type': 'application/json; charset=utf-8',
        'chainlake-watermark': page.watermark,
      });
    })
    .get('/:table/sessions/:sessionId/verify', requireRole('reader'), async (c) => {
      const from = c.req.query('source') ?? 'db';
      if (from !== 'db' && from !== 'lake') {
        throw new AppError('invalid_request', 'Query parameter source must be db or lake.', {
          errors: [{ path: '?source', message: 'must be db or lake' }],
        });
      }
      const key = sessionKey(c);
      const keys = deps.keyRing.publicKeys;
      return c.json(
        from === 'lake'
          ? await verifyLakeSession(source, deps.store, keys, key)
          : await verifySession(source, keys, key),
      );
    });
}

function sessionKey(c: Context<AppEnv>): SessionKey {
  const { table, sessionId } = c.req.param() as { table: string; sessionId: string };
  if (!TABLE_PATTERN.test(table) || !SESSION_ID_PATTERN.test(sessionId)) {
    throw new AppError('session_not_found', `Session "${sessionId}" does not exist in table "${table}".`);
  }
  return { tenant: c.get('principal').tenant, table, sessionId };
}

function intParam(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || n < min || n > max) {
    const message = `must be a whole number from ${min} to ${max}`;
    throw new AppError('invalid_request', `Query parameter ${name} ${message}.`, {
      errors: [{ path: `?${name}`, message }],
    });
  }
  return n;
}

/**
 * Pulls the next chunk only when the client has taken the previous one; a cancel, or the client going
 * away, ends the generator (its cursor closes and the connection returns to the pool).
 */
function toReadable(chunks: AsyncGenerator<string>, gone: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stop = () => void chunks.return(undefined).catch(() => undefined);
  if (gone.aborted) stop();
  else gone.addEventListener('abort', stop, { once: true });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) {
        gone.removeEventListener('abort', stop);
        controller.close();
      } else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
