/** @module ingest: the one ingest verb; a batch is verified completely before anything is written, and written as one message. */
export {
  ingestBatch,
  type IngestDeps,
  type IngestCommand,
  type IngestResult,
  type IngestLimits,
  type VisibilityWaiter,
} from './ingest-batch.js';
export { loadSessionState, findAcceptedEvent, type SessionState, type SessionKey } from './session-state.js';
export { toUnavailable } from './to-unavailable.js';
export { HeadCache } from './head-cache.js';
