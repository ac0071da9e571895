import type { Seal } from './types.js';

/** The signed body B of contract §3: only the seal fields plus `"v":1`, never replay's extras. */
export type SealBody = Omit<Seal, 'signature' | 'hash'> & { v: 1 };

/** Builds B from a seal or a replayed seal record, dropping `signature`, `hash` and unknown fields. */
export function sealBody(seal: Omit<Seal, 'signature' | 'hash'>): SealBody {
  return {
    v: 1,
    type: seal.type,
    tenant: seal.tenant,
    table: seal.table,
    session_id: seal.session_id,
    from_seq: seal.from_seq,
    seq: seal.seq,
    head_hash: seal.head_hash,
    prev_seal_hash: seal.prev_seal_hash,
    sealed_at: seal.sealed_at,
    key_id: seal.key_id,
  };
}
