/** @module http: thin Hono handlers: validate, call one verb, shape the answer; errors become problem+json in one place. */
export { createApp } from './create-app.js';
export { createMetricsApp } from './metrics-app.js';
export type { AppDeps } from './app-deps.js';
