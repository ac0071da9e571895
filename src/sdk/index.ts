/**
 * @module sdk: the TypeScript client (`chainlake/client`): chain writer, replay reader, offline verifier.
 * Runs anywhere fetch and node:crypto do; imports only the pure chain core, never server modules.
 */
export { ChainlakeClient, type IngestOptions } from './client.js';
export { ChainWriter, type ChainWriterOptions } from './chain-writer.js';
export type { ClientOptions, CallOptions } from './http-client.js';
export { ChainlakeError, ChainRejectedError, ChainConflictError, type Problem } from './errors.js';
export { RETRY_DEFAULTS, type RetryOptions } from './retry-policy.js';
export type { ReplayOptions } from './replay-reader.js';
export { verifyRecords, parseNdjson } from './verify-records.js';
export type { ChainReport, ChainProblem } from '../chain/index.js';
export { GENESIS_HASH, hashEvent } from '../chain/index.js';
export type * from './types.js';
