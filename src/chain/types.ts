/** Types of the hash chain (docs/contract.md §2–§3). Pure data: no I/O anywhere under src/chain. */

import type { KeyObject } from 'node:crypto';

/** 64 zeros: the `prev_hash` of event 1 and the `prev_seal_hash` of a session's first seal. */
export const GENESIS_HASH = '0'.repeat(64);

/** A client event as sent and as stored (docs/contract.md §2). */
export interface ClientEvent {
  seq: number;
  type: string;
  ts: string;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The last accepted (or committed) event of a session. */
export interface Head {
  seq: number;
  hash: string;
}

/** A server seal as it travels and is stored (docs/contract.md §3). */
export interface Seal {
  type: 'CHAIN_SEAL';
  tenant: string;
  table: string;
  session_id: string;
  from_seq: number;
  seq: number;
  head_hash: string;
  prev_seal_hash: string;
  sealed_at: string;
  key_id: string;
  signature: string;
  hash: string;
}

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

/** An Ed25519 public key in JWK form (RFC 8037). */
export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use?: 'sig';
  alg?: 'EdDSA';
}

export interface Jwks {
  keys: Jwk[];
}

/** A record of a replayed session (docs/contract.md §4 "Replay"): an event or a seal with its context. */
export type ReplayRecord =
  | (ClientEvent & {
      table: string;
      session_id: string;
      kind: 'event';
      status: 'AUTHORITATIVE';
      visibility_token: string;
    })
  | (Seal & { kind: 'seal' });

/** One finding of a chain verification. */
export interface ChainProblem {
  seq: number;
  code: string;
  detail: string;
}

/** The answer of verifying a replayed chain (docs/contract.md §4 `/verify`). */
export interface ChainReport {
  valid: boolean;
  checked_events: number;
  checked_seals: number;
  errors: ChainProblem[];
}

/** An Ed25519 seal signing key; `kid` is what seals carry as `key_id`. */
export interface SealKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The outcome of checking one seal's key, signature and hash. */
export type SealCheck =
  | { ok: true }
  | { ok: false; code: 'seal_unknown_key' | 'seal_signature_invalid' | 'seal_hash_mismatch'; detail: string };
