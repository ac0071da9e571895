/**
 * Types of the hash chain (docs/contract.md §2–§3). Pure data: no I/O anywhere under src/chain. The
 * types both sides share come from the one chain core in the client package; the signer's are here.
 */

import type { KeyObject } from 'node:crypto';
import type { ClientEvent, Seal } from '@chainlake/client/chain';

export {
  GENESIS_HASH,
  type ChainProblem,
  type ChainReport,
  type ClientEvent,
  type Head,
  type Jwk,
  type Jwks,
  type ReplayRecord,
  type Seal,
  type SealCheck,
} from '@chainlake/client/chain';

/** What the signer needs besides the key: the seal minus key_id, signature and hash. */
export type SealInput = Omit<Seal, 'type' | 'key_id' | 'signature' | 'hash'>;

/** A batch as the chain core sees it. */
export interface ChainBatch {
  table: string;
  session_id: string;
  events: ClientEvent[];
}

/** Codes a batch can fail verification with (docs/contract.md §4). */
export type VerifyFailureCode =
  'invalid_request' | 'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'sequence_conflict';

export type VerifyResult =
  | {
      ok: true;
      /** Events at the start of the batch that are already accepted (identical by hash). */
      duplicateCount: number;
      /** The events that extend the head; empty for a fully duplicate batch. */
      newEvents: ClientEvent[];
    }
  | { ok: false; code: VerifyFailureCode; seq: number; detail: string };

/** An Ed25519 seal signing key; `kid` is what seals carry as `key_id`. */
export interface SealKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}
