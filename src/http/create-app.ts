import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { AppError } from '../errors.js';
import { authenticateApiKey } from '../tenancy/index.js';
import type { AppDeps } from './app-deps.js';
import type { AppEnv } from './app-env.js';
import { authenticate } from './auth.js';
import { toProblem } from '../problem.js';
import { serveOpenApi } from '../openapi/index.js';
import { requireKnownTable } from './require-known-table.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { lakeRoutes } from './routes/lake.js';
import { replayRoutes } from './routes/replay.js';
import { rejectionRoutes } from './routes/rejections.js';
import { sessionRoutes } from './routes/sessions.js';
import { tableRoutes } from './routes/tables.js';

/** The HTTP API (docs/contract.md §4); serves main.ts and the tests (`app.request()`). */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: () => {
        throw new AppError(
          'batch_too_large',
          `The request body exceeds ${deps.maxBodyBytes} bytes. Split the batch.`,
        );
      },
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
  api.route('/ingest', ingestRoutes(deps));
  api.route('/tables', tableRoutes(deps));
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
    const problem = toProblem(err, c.get('requestId'));
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
