import type postgres from 'postgres';
import { acceptedAnswer } from '../wire/index.js';
import type { DecodedMessage } from './decode-message.js';

/**
 * Stores one row per message: its range, counts, times and the replay lines of its records. Multi-row
 * VALUES, not unnest arrays: each lines text travels as its own parameter, with no array escaping.
 */
export function insertBatches(tx: postgres.TransactionSql, messages: DecodedMessage[]) {
  const rows = messages.map(({ msg, batch }) => ({
    tenant: batch.tenant,
    table_name: batch.table,
    session_id: batch.sessionId,
    from_seq: batch.events[0]!.seq,
    to_seq: batch.seal.seq,
    stream_seq: msg.streamSeq,
    event_count: batch.events.length,
    first_ts: batch.events[0]!.ts,
    last_ts: batch.events[batch.events.length - 1]!.ts,
    ingested_at: msg.time.toISOString(),
    records: batch.lines,
  }));
  return tx`insert into batches ${tx(rows)}`;
}

/** Advances each touched session's committed head and counters (one row per session per commit). */
export function upsertSessions(tx: postgres.TransactionSql, messages: DecodedMessage[]) {
  const bySession = new Map<
    string,
    { m: DecodedMessage; events: number; seals: number; lastStreamSeq: number }
  >();
  for (const m of messages) {
    const b = m.batch;
    const k = `${b.tenant}\u0000${b.table}\u0000${b.sessionId}`;
    const agg = bySession.get(k);
    if (!agg) {
      bySession.set(k, { m, events: b.events.length, seals: 1, lastStreamSeq: m.msg.streamSeq });
      continue;
    }
    agg.events += b.events.length;
    agg.seals += 1;
    agg.lastStreamSeq = Math.max(agg.lastStreamSeq, m.msg.streamSeq);
    if (b.seal.seq > agg.m.batch.seal.seq) agg.m = m;
  }
  const rows = [...bySession.values()];
  const seal = (r: (typeof rows)[number]) => r.m.batch.seal;
  // Commits of one session may complete out of order across committers: the head only moves forward.
  return tx`
    insert into sessions as s (tenant, table_name, session_id, head_seq, head_hash, last_seal, last_seal_hash,
                               event_count, seal_count, last_stream_seq, updated_at)
    select t, tb, sid, hs, hh, ls::jsonb, lsh, ec, sc, lss, now() from unnest(
      ${rows.map((r) => r.m.batch.tenant)}::text[], ${rows.map((r) => r.m.batch.table)}::text[],
      ${rows.map((r) => r.m.batch.sessionId)}::text[], ${rows.map((r) => seal(r).seq)}::bigint[],
      ${rows.map((r) => seal(r).head_hash)}::text[], ${rows.map((r) => r.m.batch.sealJcs)}::text[],
      ${rows.map((r) => seal(r).hash)}::text[], ${rows.map((r) => r.events)}::bigint[],
      ${rows.map((r) => r.seals)}::bigint[], ${rows.map((r) => r.lastStreamSeq)}::bigint[])
      as x(t, tb, sid, hs, hh, ls, lsh, ec, sc, lss)
    on conflict (tenant, table_name, session_id) do update set
      head_hash = case when excluded.head_seq > s.head_seq then excluded.head_hash else s.head_hash end,
      last_seal = case when excluded.head_seq > s.head_seq then excluded.last_seal else s.last_seal end,
      last_seal_hash = case when excluded.head_seq > s.head_seq then excluded.last_seal_hash else s.last_seal_hash end,
      head_seq = greatest(s.head_seq, excluded.head_seq),
      event_count = s.event_count + excluded.event_count,
      seal_count = s.seal_count + excluded.seal_count,
      last_stream_seq = greatest(s.last_stream_seq, excluded.last_stream_seq),
      updated_at = now()`;
}

/**
 * Remembers idempotency keys carried by log messages, so a key outlives JetStream's dedup window even
 * when the ingest process died before it could record the key itself.
 */
export function recordIdempotency(tx: postgres.TransactionSql, messages: DecodedMessage[]) {
  const keyed = messages.filter((m) => m.idempotencyKey !== undefined && m.fingerprint !== undefined);
  if (keyed.length === 0) return Promise.resolve([]);
  const rows = keyed.map((m) => {
    const answer = acceptedAnswer({
      seal: m.batch.seal,
      visibilityToken: m.batch.visibilityToken,
      acceptedCount: m.batch.events.length,
      duplicateCount: Math.max(0, (m.requestCount ?? m.batch.events.length) - m.batch.events.length),
      status: 'accepted',
    });
    return {
      tenant: m.batch.tenant,
      table_name: m.batch.table,
      key: m.idempotencyKey!,
      fingerprint: m.fingerprint!,
      session_id: m.batch.sessionId,
      visibility_token: m.batch.visibilityToken,
      answer,
    };
  });
  return tx`
    insert into idempotency_keys (tenant, table_name, key, fingerprint, session_id, visibility_token, answer)
    select tenant, table_name, key, fingerprint, session_id, visibility_token, answer
    from json_populate_recordset(null::idempotency_keys, ${JSON.stringify(rows)}::json)
    on conflict do nothing`;
}
