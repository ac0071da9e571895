import type { ClientEvent, Seal } from '../chain/index.js';

/** The body of one log message: an accepted batch and its seal (docs/contract.md §5). */
export interface BatchEnvelope {
  events: ClientEvent[];
  seal: Seal;
}

/** Headers chainlake sets on a log message besides Nats-Msg-Id. */
export const HEADERS = {
  idempotencyKey: 'Chainlake-Idempotency-Key',
  /** Identifies the request's events, so the committer can remember its idempotency key. */
  fingerprint: 'Chainlake-Request-Fingerprint',
  /** Events in the request (accepted + duplicate), for the remembered answer. */
  requestCount: 'Chainlake-Request-Count',
  /** The gatekeeper's Ed25519 tag over the message (src/chain/log-tag.ts). */
  signature: 'Chainlake-Log-Signature',
} as const;
