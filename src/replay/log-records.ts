import { canonicalJson, type ClientEvent, type Seal } from '../chain/index.js';
import { readSessionLog, toVisibilityToken, type Bus } from '../bus/index.js';
import type { SessionKey } from './read-records.js';
import { recordText, type StoredRecord } from './record-text.js';

/** Only the seal fields of contract §3, as the committer stores them (its schema drops any others). */
function sealFields(s: Seal): Seal {
  const { type, tenant, table, session_id, from_seq, seq, head_hash, prev_seal_hash } = s;
  return {
    type,
    tenant,
    table,
    session_id,
    from_seq,
    seq,
    head_hash,
    prev_seal_hash,
    sealed_at: s.sealed_at,
    key_id: s.key_id,
    signature: s.signature,
    hash: s.hash,
  };
}

/** The records one logged batch commits, exactly as the committer builds them (src/commit/decode-message.ts). */
export function batchRecords(streamSeq: number, events: ClientEvent[], seal: Seal): StoredRecord[] {
  const token = toVisibilityToken(streamSeq);
  const records: StoredRecord[] = events.map((ev) => ({
    seq: ev.seq,
    kind: 'event',
    type: ev.type,
    ts: ev.ts,
    payload: canonicalJson(ev.payload),
    prev_hash: ev.prev_hash,
    hash: ev.hash,
    visibility_token: token,
  }));
  records.push({
    seq: seal.seq,
    kind: 'seal',
    type: 'CHAIN_SEAL',
    ts: seal.sealed_at,
    payload: canonicalJson(sealFields(seal)),
    prev_hash: seal.prev_seal_hash,
    hash: seal.hash,
    visibility_token: token,
  });
  return records;
}

/**
 * A session's records read from the log (accepted, committed or not) as NDJSON lines: for a committed
 * session, byte for byte what replay from Postgres gives.
 */
export async function* replayFromLog(bus: Bus, k: SessionKey, afterSeq = 0): AsyncGenerator<string> {
  const subject = bus.names.events(k.tenant, k.table, k.sessionId);
  for await (const batch of readSessionLog(bus, subject)) {
    const { events, seal } = batch.envelope;
    if (!Array.isArray(events) || typeof seal !== 'object' || seal === null) {
      throw new Error(`log message ${batch.streamSeq} is not a batch envelope`);
    }
    const lines = batchRecords(batch.streamSeq, events, seal)
      .filter((r) => r.seq > afterSeq)
      .map((r) => recordText(k.table, k.sessionId, r) + '\n');
    if (lines.length > 0) yield lines.join('');
  }
}
