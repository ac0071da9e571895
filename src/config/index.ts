/** @module config: the environment is parsed here once; nothing else reads process.env. */
export { loadConfig, ConfigError } from './load-config.js';
export type { Config, CommitterLease, HttpEdge } from './load-config.js';
export { EnvSchema } from './config-schema.js';
export { redactUrl } from './redact-url.js';
