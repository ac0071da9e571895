/** @module http: thin Hono handlers: validate, call one verb, shape the answer; errors become problem+json in one place. */
export { createApp } from './create-app.js';
export { createMetricsApp } from './metrics-app.js';
export type { AppDeps } from './app-deps.js';
export { createHttpServer } from './create-http-server.js';
export { BodyBudget } from './body-budget.js';
