import type postgres from 'postgres';
import type { Db } from '../db/index.js';
import type { DecodedMessage } from './decode-message.js';
import { recordIdempotency, upsertSessions } from './session-rows.js';
import { registerFiles, type WrittenFile } from './snapshot-rows.js';

export const COMMIT_CHANNEL = 'chainlake_committed';

export interface CommitPlan {
  stream: string;
  messages: DecodedMessage[];
  files: WrittenFile[];
  committedAt: Date;
}

export type TxOutcome =
  | { kind: 'committed'; watermark: number }
  /** Nothing was written: some messages are already done, or leased to a newer delivery. */
  | { kind: 'excluded'; done: number[]; fenced: number[] };

/**
 * The one Postgres transaction of a commit: fence, store records, register files and snapshots, mark
 * messages done and advance the watermark. The stream_progress row lock serialises every committer.
 */
export async function runCommitTransaction(db: Db, plan: CommitPlan): Promise<TxOutcome> {
  const { stream } = plan;
  const seqs = plan.messages.map((m) => m.msg.streamSeq);
  const deliveries = plan.messages.map((m) => m.msg.deliveryCount);
  return (await db.sql.begin(async (tx) => {
    const [progress] = await tx<{ watermark_seq: string }[]>`
      select watermark_seq from stream_progress where stream = ${stream} for update`;
    const watermark = Number(progress?.watermark_seq ?? 0);

    const fenced = await tx<{ stream_seq: string }[]>`
      select l.stream_seq from message_leases l
      join unnest(${seqs}::bigint[], ${deliveries}::int[]) as o(seq, delivery) on l.stream_seq = o.seq
      where l.stream = ${stream} and l.delivery > o.delivery`;
    const doneRows = await tx<{ stream_seq: string }[]>`
      select stream_seq from done_messages where stream = ${stream} and stream_seq = any(${seqs}::bigint[])`;
    const done = [...seqs.filter((s) => s <= watermark), ...doneRows.map((r) => Number(r.stream_seq))];
    if (fenced.length > 0 || done.length > 0) {
      return { kind: 'excluded', done, fenced: fenced.map((r) => Number(r.stream_seq)) };
    }

    await insertRecords(tx, plan.messages);
    await upsertSessions(tx, plan.messages);
    await recordIdempotency(tx, plan.messages);
    await tx`insert into done_messages (stream, stream_seq, outcome)
      select ${stream}, s, 'committed' from unnest(${seqs}::bigint[]) as s`;
    const next = await advanceWatermark(tx, stream, watermark);
    await registerFiles(tx, plan.files, next, plan.committedAt);
    await tx`select pg_notify(${COMMIT_CHANNEL}, ${`${stream}:${next}`})`;
    return { kind: 'committed', watermark: next };
  })) as TxOutcome;
}

/** Marks messages that can never commit as done (poison), so the watermark can pass them. */
export async function markPoisoned(db: Db, stream: string, seqs: number[]): Promise<number> {
  return (await db.sql.begin(async (tx) => {
    const [progress] = await tx<{ watermark_seq: string }[]>`
      select watermark_seq from stream_progress where stream = ${stream} for update`;
    const watermark = Number(progress?.watermark_seq ?? 0);
    await tx`insert into done_messages (stream, stream_seq, outcome)
      select ${stream}, s, 'poison' from unnest(${seqs}::bigint[]) as s where s > ${watermark}
      on conflict do nothing`;
    const next = await advanceWatermark(tx, stream, watermark);
    await tx`select pg_notify(${COMMIT_CHANNEL}, ${`${stream}:${next}`})`;
    return next;
  })) as number;
}

/** Moves the watermark over the contiguous run of done messages above it, and prunes what it passed. */
async function advanceWatermark(tx: postgres.TransactionSql, stream: string, from: number): Promise<number> {
  const rows = await tx<{ stream_seq: string }[]>`
    select stream_seq from done_messages where stream = ${stream} and stream_seq > ${from} order by stream_seq`;
  let next = from;
  for (const r of rows) {
    const s = Number(r.stream_seq);
    if (s !== next + 1) break;
    next = s;
  }
  if (next === from) return from;
  await tx`delete from done_messages where stream = ${stream} and stream_seq <= ${next}`;
  await tx`delete from message_leases where stream = ${stream} and stream_seq <= ${next}`;
  await tx`update stream_progress set watermark_seq = ${next}, committed_at = now() where stream = ${stream}`;
  return next;
}

async function insertRecords(tx: postgres.TransactionSql, messages: DecodedMessage[]): Promise<void> {
  const rows = messages.flatMap((m) => m.records);
  // unnest keeps it one statement per commit whatever the row count; conflicts cannot occur after the
  // done check, but a unique violation must never abort a commit, so they are ignored.
  // Timestamps travel as text: drizzle replaces postgres.js's timestamptz serializer, which breaks
  // timestamptz[] parameters.
  await tx`
    insert into records (tenant, table_name, session_id, seq, kind, type, ts, payload, prev_hash, hash,
                         visibility_token, stream_seq, ingested_at)
    select t, tb, sid, seq, kind, type, ts, payload, ph, h, vt, ss, ia::timestamptz from unnest(
      ${rows.map((r) => r.tenant)}::text[], ${rows.map((r) => r.table)}::text[],
      ${rows.map((r) => r.session_id)}::text[], ${rows.map((r) => r.seq)}::bigint[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.ts)}::text[],
      ${rows.map((r) => r.payload)}::text[], ${rows.map((r) => r.prev_hash)}::text[],
      ${rows.map((r) => r.hash)}::text[], ${rows.map((r) => r.visibility_token)}::text[],
      ${rows.map((r) => r.stream_seq)}::bigint[], ${rows.map((r) => r.ingested_at.toISOString())}::text[])
      as x(t, tb, sid, seq, kind, type, ts, payload, ph, h, vt, ss, ia)
    on conflict do nothing`;
}
