import type postgres from 'postgres';
import { toVisibilityToken } from '../bus/index.js';
import type { DecodedMessage } from './decode-message.js';

/** Advances each touched session's committed head and counters (one row per session per commit). */
export async function upsertSessions(tx: postgres.TransactionSql, messages: DecodedMessage[]): Promise<void> {
  const bySession = new Map<
    string,
    { m: DecodedMessage; events: number; seals: number; lastStreamSeq: number }
  >();
  for (const m of messages) {
    const k = `${m.tenant}\u0000${m.table}\u0000${m.sessionId}`;
    const agg = bySession.get(k);
    if (!agg) {
      bySession.set(k, { m, events: m.events.length, seals: 1, lastStreamSeq: m.msg.streamSeq });
      continue;
    }
    agg.events += m.events.length;
    agg.seals += 1;
    agg.lastStreamSeq = Math.max(agg.lastStreamSeq, m.msg.streamSeq);
    if (m.seal.seq > agg.m.seal.seq) agg.m = m;
  }
  const rows = [...bySession.values()];
  // Commits of one session may complete out of order across committers: the head only moves forward.
  await tx`
    insert into sessions as s (tenant, table_name, session_id, head_seq, head_hash, last_seal, last_seal_hash,
                               event_count, seal_count, last_stream_seq, updated_at)
    select t, tb, sid, hs, hh, ls::jsonb, lsh, ec, sc, lss, now() from unnest(
      ${rows.map((r) => r.m.tenant)}::text[], ${rows.map((r) => r.m.table)}::text[],
      ${rows.map((r) => r.m.sessionId)}::text[], ${rows.map((r) => r.m.seal.seq)}::bigint[],
      ${rows.map((r) => r.m.seal.head_hash)}::text[], ${rows.map((r) => JSON.stringify(r.m.seal))}::text[],
      ${rows.map((r) => r.m.seal.hash)}::text[], ${rows.map((r) => r.events)}::bigint[],
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
export async function recordIdempotency(
  tx: postgres.TransactionSql,
  messages: DecodedMessage[],
): Promise<void> {
  const keyed = messages.filter((m) => m.idempotencyKey !== undefined && m.fingerprint !== undefined);
  if (keyed.length === 0) return;
  const answers = keyed.map((m) => {
    const requested = Number(m.fingerprint!.split(':').at(-2));
    return JSON.stringify({
      status: 'accepted',
      table: m.table,
      session_id: m.sessionId,
      accepted_count: m.events.length,
      duplicate_count: Math.max(0, requested - m.events.length),
      head: { seq: m.seal.seq, hash: m.seal.head_hash },
      seal: m.seal,
      visibility_token: toVisibilityToken(m.msg.streamSeq),
      visible: false,
    });
  });
  await tx`
    insert into idempotency_keys (tenant, table_name, key, fingerprint, session_id, visibility_token, answer)
    select t, tb, k, f, sid, vt, a::jsonb from unnest(
      ${keyed.map((m) => m.tenant)}::text[], ${keyed.map((m) => m.table)}::text[],
      ${keyed.map((m) => m.idempotencyKey!)}::text[], ${keyed.map((m) => m.fingerprint!)}::text[],
      ${keyed.map((m) => m.sessionId)}::text[], ${keyed.map((m) => toVisibilityToken(m.msg.streamSeq))}::text[],
      ${answers}::text[]) as x(t, tb, k, f, sid, vt, a)
    on conflict do nothing`;
}
