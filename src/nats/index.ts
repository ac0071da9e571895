/**
 * @module nats: NATS-native producers, thin like http/: request/reply ingest and the raw-stream
 * gatekeeper both call the one ingest verb; every raw message ends accepted, duplicate or rejected.
 */
export {
  startIngestService,
  INGEST_SERVICE,
  STATUS_HEADER,
  type IngestServiceDeps,
} from './ingest-service.js';
export { startGatekeeper, type Gatekeeper } from './run-gatekeeper.js';
export { type GatekeeperDeps, type GatekeeperHooks } from './gate-message.js';
export { gatekeeperLease, type GatekeeperLease } from './gatekeeper-lease.js';
export type { RawOutcome } from './raw-outcome.js';
export { WAIT_HEADERS } from './wait-headers.js';
