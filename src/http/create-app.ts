import { Hono, type Context } from 'hono';
import { compress, COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { isConnectionError } from '../db/index.js';
import { AppError, isAppError, RetryAfterError } from '../errors.js';
import { authenticateApiKey } from '../tenancy/index.js';
import type { AppDeps } from './app-deps.js';
import type { AppEnv } from './app-env.js';
import { authenticate } from './auth.js';
import { toProblem } from '../problem.js';
import { serveOpenApi } from '../openapi/index.js';
import type { BodyLimits } from './read-body.js';
import { requireKnownTable } from './require-known-table.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { lakeRoutes } from './routes/lake.js';
import { replayRoutes } from './routes/replay.js';
import { rejectionRoutes } from './routes/rejections.js';
import { sessionRoutes } from './routes/sessions.js';
import { tableRoutes } from './routes/tables.js';

/** The HTTP API (docs/contract.md §4); serves main.ts and the tests (`app.request()`). */
const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const NDJSON = 'application/x-ndjson';

/** The HTTP API (contract §4); serves main.ts and the tests (`app.request()`). */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const body: BodyLimits = {
    maxBodyBytes: deps.maxBodyBytes,
    bodyTimeoutMs: deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    budget: deps.bodyBudget,
  };
  app.use(requestId());
  app.use(async (c, next) => {
    c.set('afterAnswer', []);
    try {
      // Any route: a declared body over the limit is refused before a byte of it is read.
      if (Number(c.req.header('content-length')) > deps.maxBodyBytes) {
        throw new AppError(
          'batch_too_large',
          `The request body exceeds ${deps.maxBodyBytes} bytes. Split the batch.`,
        );
      }
      await next();
    } finally {
      for (const done of c.get('afterAnswer')) done();
    }
  });
  if (deps.corsOrigins && deps.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: deps.corsOrigins.includes('*') ? '*' : deps.corsOrigins,
        allowMethods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding', 'X-Tenant-ID'],
        exposeHeaders: ['Chainlake-Watermark', 'Retry-After', 'X-Request-Id'],
        maxAge: 600,
      }),
    );
  }
  // NDJSON replays stream through gzip/deflate too (CompressionStream, chunk by chunk).
  app.use(
    compress({
      contentTypeFilter: (type) => COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) || type.startsWith(NDJSON),
    }),
  );

  app.route('/', healthRoutes(deps));
  app.get('/v1/keys', (c) => c.json(deps.keyRing.jwks));
  app.get('/openapi.json', serveOpenApi());
  app.get('/metrics', async (c) => {
    if (!deps.metrics) throw new AppError('not_found', 'Metrics are not enabled.');
    const m = await deps.metrics.text();
    return c.body(m.body, 200, { 'content-type': m.contentType });
  });

  const api = new Hono<AppEnv>();
  api.use(authenticate({ enabled: deps.auth, authenticate: (key) => authenticateApiKey(deps.db, key) }));
  api.route('/ingest', ingestRoutes(deps, body));
  api.route('/tables', tableRoutes(deps, body));
  api.route('/tables', sessionRoutes(deps));
  api.route('/tables', replayRoutes(deps));
  const lake = lakeRoutes(deps);
  // Watermarks and snapshots would otherwise answer for any name, another tenant's too.
  const knownTable = requireKnownTable(deps.db, 'reader');
  api.use('/tables/:table/watermark', knownTable);
  api.use('/tables/:table/snapshots/*', knownTable);
  api.route('/tables', lake.tables);
  api.route('/visibility', lake.visibility);
  api.route('/rejections', rejectionRoutes(deps));
  app.route('/v1', api);

  const answerProblem = (err: unknown, c: Context<AppEnv>) => {
    // A read or write that met a slow or unreachable Postgres: retry later, like ingest's 503.
    const known =
      !isAppError(err) && isConnectionError(err)
        ? new RetryAfterError('The database is unavailable now; retry shortly.', 2, { cause: err })
        : err;
    const problem = toProblem(known, c.get('requestId'));
    if (problem.status >= 500 && problem.status !== 503) {
      deps.log?.('error', 'request failed', {
        requestId: c.get('requestId'),
        err: String((err as Error).stack ?? err),
      });
    }
    return c.body(JSON.stringify(problem.body), problem.status as 500, problem.headers);
  };
  app.notFound((c) =>
    answerProblem(new AppError('not_found', `No resource at ${c.req.method} ${c.req.path}.`), c),
  );
  app.onError(answerProblem);
  return app;
}
