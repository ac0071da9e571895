/**
 * @module @chainlake/client: chain writer, replay reader and offline verifier for chainlake.
 * No runtime dependencies: Node's fetch and node:crypto only; never imports server code.
 */
export { ChainlakeClient, type IngestOptions } from './client.js';
export { ChainWriter, type ChainWriterOptions } from './chain-writer.js';
export type { ClientOptions, CallOptions } from './http-client.js';
export { ChainlakeError, ChainRejectedError, ChainConflictError, type Problem } from './errors.js';
export { RETRY_DEFAULTS, type RetryOptions, type RetryPolicy } from './retry-policy.js';
export type { ReplayOptions } from './replay-reader.js';
export { verifyRecords, parseNdjson } from './verify-records.js';
export { canonicalJson, GENESIS_HASH, hashEvent } from './chain/index.js';
export type {
  ChainProblem,
  ChainReport,
  ClientEvent,
  Head,
  Jwk,
  Jwks,
  ReplayRecord,
  Seal,
} from './chain/index.js';
export type * from './types.js';
