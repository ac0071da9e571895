import type { DecodedMessage } from './decode-message.js';
import type { LakeRecord } from './lake-record.js';

/** The Parquet rows of one committed message: its events, then its seal (docs/contract.md §6). */
export function lakeRows(m: DecodedMessage): LakeRecord[] {
  const b = m.batch;
  const common = {
    tenant: b.tenant,
    table: b.table,
    session_id: b.sessionId,
    visibility_token: b.visibilityToken,
    ingested_at: m.msg.time,
    stream_seq: m.msg.streamSeq,
  };
  const rows: LakeRecord[] = b.events.map((ev, i) => ({
    ...common,
    seq: ev.seq,
    kind: 'event',
    type: ev.type,
    ts: ev.ts,
    payload: b.payloadJcs[i]!,
    fields: ev.payload,
    prev_hash: ev.prev_hash,
    hash: ev.hash,
  }));
  rows.push({
    ...common,
    seq: b.seal.seq,
    kind: 'seal',
    type: 'CHAIN_SEAL',
    ts: b.seal.sealed_at,
    payload: b.sealJcs,
    fields: null,
    prev_hash: b.seal.prev_seal_hash,
    hash: b.seal.hash,
  });
  return rows;
}
