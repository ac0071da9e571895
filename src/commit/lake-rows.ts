import type { DecodedMessage } from './decode-message.js';
import type { LakeRecord } from './lake-record.js';

/** The Parquet rows of one committed message: its events, then its seal (docs/contract.md §6). */
export function lakeRows(m: DecodedMessage): LakeRecord[] {
  const b = m.batch;
  const { tenant, table, sessionId, visibilityToken } = b;
  const at = m.msg.time;
  const streamSeq = m.msg.streamSeq;
  // Object literals of one shape (no spread): cheap to build and to read column by column.
  const rows: LakeRecord[] = new Array(b.events.length + 1);
  for (let i = 0; i < b.events.length; i++) {
    const ev = b.events[i]!;
    rows[i] = {
      tenant,
      table,
      session_id: sessionId,
      seq: ev.seq,
      kind: 'event',
      type: ev.type,
      ts: ev.ts,
      payload: b.payloadJcs[i]!,
      fields: ev.payload,
      prev_hash: ev.prev_hash,
      hash: ev.hash,
      visibility_token: visibilityToken,
      ingested_at: at,
      stream_seq: streamSeq,
    };
  }
  rows[b.events.length] = {
    tenant,
    table,
    session_id: sessionId,
    seq: b.seal.seq,
    kind: 'seal',
    type: 'CHAIN_SEAL',
    ts: b.seal.sealed_at,
    payload: b.sealJcs,
    fields: null,
    prev_hash: b.seal.prev_seal_hash,
    hash: b.seal.hash,
    visibility_token: visibilityToken,
    ingested_at: at,
    stream_seq: streamSeq,
  };
  return rows;
}
