import { Hono } from 'hono';
import { AppError } from '../errors.js';
import { toProblem } from '../problem.js';
import type { AppDeps } from './app-deps.js';
import type { AppEnv } from './app-env.js';
import { healthRoutes } from './routes/health.js';

/**
 * The small app of a process without the api role, served on METRICS_PORT (contract §4): the same
 * `/healthz` and `/readyz` as the API, and `/metrics`. Nothing else, and no auth, as on the API port.
 */
export function createMetricsApp(deps: AppDeps & { metrics: NonNullable<AppDeps['metrics']> }) {
  const app = new Hono<AppEnv>();
  app.route('/', healthRoutes(deps));
  app.get('/metrics', async (c) => {
    const m = await deps.metrics.text();
    return c.body(m.body, 200, { 'content-type': m.contentType });
  });
  const answerProblem = (err: unknown) => {
    const problem = toProblem(err);
    return new Response(JSON.stringify(problem.body), { status: problem.status, headers: problem.headers });
  };
  app.notFound((c) =>
    answerProblem(new AppError('not_found', `No resource at ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((err) => answerProblem(err));
  return app;
}
