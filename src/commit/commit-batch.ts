import type { Db } from '../db/index.js';
import type { ObjectStore } from '../store/index.js';
import { runCommitTransaction } from './commit-transaction.js';
import type { DecodedMessage } from './decode-message.js';
import type { ColumnDef } from './lake-record.js';
import type { WrittenFile } from './snapshot-rows.js';
import { writeFiles } from './write-files.js';

/** Test-only crash points between the steps of the commit protocol. */
export interface CommitHooks {
  afterParquet?(streamSeqs: number[]): void | Promise<void>;
  afterCommit?(streamSeqs: number[]): void | Promise<void>;
}

export interface CommitDeps {
  db: Db;
  store: ObjectStore;
  stream: string;
  columnsOf(tenant: string, table: string): Promise<ColumnDef[]>;
  hooks?: CommitHooks;
  now?: () => Date;
}

export interface CommitReport {
  /** Committed by this call: ack them. */
  committed: DecodedMessage[];
  /** Committed earlier (a redelivery): ack them too. */
  alreadyDone: DecodedMessage[];
  /** Leased to a newer delivery elsewhere: leave them alone. */
  fenced: DecodedMessage[];
  files: WrittenFile[];
  watermark: number | null;
}

const MAX_ATTEMPTS = 5;

/**
 * Commits decoded messages exactly once: record the lease epoch, write Parquet, then one Postgres
 * transaction. Messages found done or fenced inside the transaction are dropped and the rest retried.
 */
export async function commitBatch(deps: CommitDeps, messages: DecodedMessage[]): Promise<CommitReport> {
  const report: CommitReport = { committed: [], alreadyDone: [], fenced: [], files: [], watermark: null };
  await claimLeases(deps.db, deps.stream, messages);
  let pending = messages;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const committedAt = deps.now?.() ?? new Date();
    const files = await writeFiles(deps.store, deps.stream, pending, committedAt, deps.columnsOf);
    const seqs = pending.map((m) => m.msg.streamSeq);
    await deps.hooks?.afterParquet?.(seqs);
    const outcome = await runCommitTransaction(deps.db, {
      stream: deps.stream,
      messages: pending,
      files,
      committedAt,
    });
    if (outcome.kind === 'committed') {
      await deps.hooks?.afterCommit?.(seqs);
      report.committed = pending;
      report.files = files;
      report.watermark = outcome.watermark;
      return report;
    }
    const done = new Set(outcome.done);
    const fenced = new Set(outcome.fenced);
    report.alreadyDone.push(...pending.filter((m) => done.has(m.msg.streamSeq)));
    report.fenced.push(...pending.filter((m) => fenced.has(m.msg.streamSeq) && !done.has(m.msg.streamSeq)));
    pending = pending.filter((m) => !done.has(m.msg.streamSeq) && !fenced.has(m.msg.streamSeq));
  }
  if (pending.length > 0) throw new Error(`commit did not settle after ${MAX_ATTEMPTS} attempts`);
  return report;
}

/** Records each message's delivery count: a commit holding an older delivery is then fenced off. */
async function claimLeases(db: Db, stream: string, messages: DecodedMessage[]): Promise<void> {
  const seqs = messages.map((m) => m.msg.streamSeq);
  const deliveries = messages.map((m) => m.msg.deliveryCount);
  await db.sql`
    insert into message_leases as l (stream, stream_seq, delivery)
    select ${stream}, s, d from unnest(${seqs}::bigint[], ${deliveries}::int[]) as o(s, d)
    where s > coalesce((select watermark_seq from stream_progress where stream = ${stream}), 0)
    on conflict (stream, stream_seq) do update set delivery = greatest(l.delivery, excluded.delivery)`;
}
