import type postgres from 'postgres';
import type { Db } from '../db/index.js';
import type { DecodedMessage } from './decode-message.js';
import { insertBatches, recordIdempotency, upsertSessions } from './session-rows.js';
import { registerFiles, type WrittenFile } from './snapshot-rows.js';
import { advanceWatermark } from './advance-watermark.js';

import { COMMIT_CHANNEL } from '../lake/commit-channel.js';

export interface CommitPlan {
  stream: string;
  messages: DecodedMessage[];
  files: WrittenFile[];
  committedAt: Date;
}

export type TxOutcome =
  | { kind: 'committed'; watermark: number }
  /** Nothing was written: some messages are already done, leased to a newer delivery, or copies. */
  | { kind: 'excluded'; done: number[]; fenced: number[]; copies: number[] };

/**
 * The one Postgres transaction of a commit, in two pipelined round trips. First: lock the
 * stream_progress row (serialises every committer) and find what must not be written (done, leased
 * to a newer delivery, or a copy of a stored batch). Then, only if none: store the batches, heads,
 * idempotency keys, done marks, watermark, files and snapshots, and NOTIFY.
 */
export async function runCommitTransaction(db: Db, plan: CommitPlan): Promise<TxOutcome> {
  const { stream, messages } = plan;
  const seqs = messages.map((m) => m.msg.streamSeq);
  const deliveries = messages.map((m) => m.msg.deliveryCount);
  const b = messages.map((m) => m.batch);
  return (await db.sql.begin(async (tx) => {
    const [progress, fencedRows, doneRows, copies] = await Promise.all([
      tx<{ watermark_seq: string }[]>`
        select watermark_seq from stream_progress where stream = ${stream} for update`,
      tx<{ stream_seq: string }[]>`
        select l.stream_seq from message_leases l
        join unnest(${seqs}::bigint[], ${deliveries}::int[]) as o(seq, delivery) on l.stream_seq = o.seq
        where l.stream = ${stream} and l.delivery > o.delivery`,
      tx<{ stream_seq: string }[]>`
        select stream_seq from done_messages where stream = ${stream} and stream_seq = any(${seqs}::bigint[])`,
      // A batch already stored under another stream sequence: a copy republished around the gatekeeper.
      tx<{ stream_seq: string }[]>`
        select o.ss as stream_seq from batches x
        join unnest(${b.map((r) => r.tenant)}::text[], ${b.map((r) => r.table)}::text[],
                    ${b.map((r) => r.sessionId)}::text[], ${b.map((r) => r.events[0]!.seq)}::bigint[],
                    ${seqs}::bigint[]) as o(t, tb, sid, fs, ss)
          on x.tenant = o.t and x.table_name = o.tb and x.session_id = o.sid and x.from_seq = o.fs
        where x.stream_seq <> o.ss`,
    ]);
    const watermark = Number(progress[0]?.watermark_seq ?? 0);
    const fenced = fencedRows.map((r) => Number(r.stream_seq));
    const done = [...seqs.filter((s) => s <= watermark), ...doneRows.map((r) => Number(r.stream_seq))];
    if (fenced.length > 0 || done.length > 0 || copies.length > 0) {
      return { kind: 'excluded', done, fenced, copies: copies.map((r) => Number(r.stream_seq)) };
    }

    const [next] = await Promise.all([
      advanceWatermark(tx, stream, watermark, seqs, 'committed'),
      insertBatches(tx, messages),
      upsertSessions(tx, messages),
      recordIdempotency(tx, messages),
      registerFiles(tx, stream, plan.files, plan.committedAt),
      notifyCommitted(tx, stream),
    ]);
    return { kind: 'committed', watermark: next };
  })) as TxOutcome;
}

/** Marks messages that can never commit as done (poison), so the watermark can pass them. */
export async function markPoisoned(db: Db, stream: string, seqs: number[]): Promise<number> {
  return (await db.sql.begin(async (tx) => {
    const [progress] = await tx<{ watermark_seq: string }[]>`
      select watermark_seq from stream_progress where stream = ${stream} for update`;
    const watermark = Number(progress?.watermark_seq ?? 0);
    const [next] = await Promise.all([
      advanceWatermark(tx, stream, watermark, seqs, 'poison'),
      notifyCommitted(tx, stream),
    ]);
    return next;
  })) as number;
}

/** Wakes visibility waiters; sent with the new watermark, read inside the transaction. */
function notifyCommitted(tx: postgres.TransactionSql, stream: string) {
  return tx`select pg_notify(${COMMIT_CHANNEL}, ${stream} || ':' || watermark_seq)
    from stream_progress where stream = ${stream}`;
}
