/** Types of the hash chain and seals (contract §2–§3), as the client sends and reads them. */

/** 64 zeros: the `prev_hash` of event 1 and the `prev_seal_hash` of a session's first seal. */
export const GENESIS_HASH = '0'.repeat(64);

/** A client event as sent and as stored (contract §2). */
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

/** A server seal as it travels and is stored (contract §3). */
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

/** An Ed25519 public key in JWK form (RFC 8037). */
export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use?: 'sig' | undefined;
  alg?: 'EdDSA' | undefined;
}

/** The seal public keys, as `GET /v1/keys` answers them. */
export interface Jwks {
  keys: Jwk[];
}

/** A record of a replayed session (contract §4 "Replay"): an event or a seal with its context. */
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

/** The answer of verifying a replayed chain (contract §4 `/verify`). */
export interface ChainReport {
  valid: boolean;
  checked_events: number;
  checked_seals: number;
  errors: ChainProblem[];
}

/** The outcome of checking one seal's key, signature and hash. */
export type SealCheck =
  | { ok: true }
  | { ok: false; code: 'seal_unknown_key' | 'seal_signature_invalid' | 'seal_hash_mismatch'; detail: string };
