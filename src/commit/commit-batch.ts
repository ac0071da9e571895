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

/** Messages with their Parquet files written: ready for the commit transaction. */
export interface PreparedCommit {
  messages: DecodedMessage[];
  files: WrittenFile[];
  committedAt: Date;
  /** Later copies of a batch another message of this commit holds: never written, rejected. */
  copies: DecodedMessage[];
}

export interface CommitReport {
  /** Committed by this call: ack them. */
  committed: DecodedMessage[];
  /** Committed earlier (a redelivery): ack them too. */
  alreadyDone: DecodedMessage[];
  /** Leased to a newer delivery elsewhere: leave them alone. */
  fenced: DecodedMessage[];
  /** Copies of a batch stored from another message: never commit, reject them. */
  copies: DecodedMessage[];
  files: WrittenFile[];
  watermark: number | null;
}

const MAX_ATTEMPTS = 5;

/**
 * Claims the messages' lease epochs and writes their Parquet files: the step that runs while the
 * previous transaction commits. The claim is in before any transaction of ours, so a zombie holding
 * an older delivery is fenced off from then on.
 */
export async function prepareCommit(deps: CommitDeps, all: DecodedMessage[]): Promise<PreparedCommit> {
  const { messages, copies } = splitCopies(all);
  const committedAt = deps.now?.() ?? new Date();
  const [, files] = await Promise.all([
    claimLeases(deps.db, deps.stream, messages),
    writeFiles(deps.store, deps.stream, messages, committedAt, deps.columnsOf),
  ]);
  await deps.hooks?.afterParquet?.(messages.map((m) => m.msg.streamSeq));
  return { messages, files, committedAt, copies };
}

/**
 * The first message of each batch (tenant, table, session, first seq) and the later copies of it: a
 * message republished around the gatekeeper can land in the same commit as its original.
 */
function splitCopies(messages: DecodedMessage[]): { messages: DecodedMessage[]; copies: DecodedMessage[] } {
  const first = new Map<string, DecodedMessage>();
  const copies: DecodedMessage[] = [];
  for (const m of [...messages].sort((a, b) => a.msg.streamSeq - b.msg.streamSeq)) {
    const b = m.batch;
    const key = `${b.tenant}\u0000${b.table}\u0000${b.sessionId}\u0000${b.events[0]!.seq}`;
    if (first.has(key)) copies.push(m);
    else first.set(key, m);
  }
  return copies.length === 0
    ? { messages, copies }
    : { messages: messages.filter((m) => !copies.includes(m)), copies };
}

/**
 * Commits prepared messages exactly once in one Postgres transaction. Messages found done, fenced or
 * copied inside it are dropped, and the rest retried with freshly written files.
 */
export async function finishCommit(deps: CommitDeps, first: PreparedCommit): Promise<CommitReport> {
  const report: CommitReport = {
    committed: [],
    alreadyDone: [],
    fenced: [],
    copies: [...first.copies],
    files: [],
    watermark: null,
  };
  let prepared = first;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const outcome = await runCommitTransaction(deps.db, { stream: deps.stream, ...prepared });
    if (outcome.kind === 'committed') {
      await deps.hooks?.afterCommit?.(prepared.messages.map((m) => m.msg.streamSeq));
      report.committed = prepared.messages;
      report.files = prepared.files;
      report.watermark = outcome.watermark;
      return report;
    }
    const done = new Set(outcome.done);
    const fenced = new Set(outcome.fenced);
    const copies = new Set(outcome.copies);
    const rest: DecodedMessage[] = [];
    for (const m of prepared.messages) {
      const s = m.msg.streamSeq;
      if (done.has(s)) report.alreadyDone.push(m);
      else if (fenced.has(s)) report.fenced.push(m);
      else if (copies.has(s)) report.copies.push(m);
      else rest.push(m);
    }
    if (rest.length === 0) return report;
    prepared = await prepareCommit(deps, rest); // no copies left among them
  }
  throw new Error(`commit did not settle after ${MAX_ATTEMPTS} attempts`);
}

/** Prepares and commits in one go (tests, and callers that do not pipeline). */
export async function commitBatch(deps: CommitDeps, messages: DecodedMessage[]): Promise<CommitReport> {
  return finishCommit(deps, await prepareCommit(deps, dedupeMessages(messages)));
}

/** One entry per stream sequence: NATS 2.9 can hand out the same message twice in one fetch. */
export function dedupeMessages(messages: DecodedMessage[]): DecodedMessage[] {
  const bySeq = new Map<number, DecodedMessage>();
  for (const m of messages) {
    const seen = bySeq.get(m.msg.streamSeq);
    if (!seen || m.msg.deliveryCount > seen.msg.deliveryCount) bySeq.set(m.msg.streamSeq, m);
  }
  return bySeq.size === messages.length ? messages : [...bySeq.values()];
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
