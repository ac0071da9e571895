import type { KeyObject } from 'node:crypto';
import { ensureConsumer, openMessageSource, toAckDecision, type Bus, type LogMessage } from '../bus/index.js';
import type { CommitterLease } from '../config/index.js';
import type { Db } from '../db/index.js';
import { NonRetriableError } from '../errors.js';
import type { Log } from '../log.js';
import { errorText } from '../log.js';
import type { ObjectStore } from '../store/index.js';
import {
  finishCommit,
  prepareCommit,
  type CommitDeps,
  type CommitHooks,
  type PreparedCommit,
} from './commit-batch.js';
import { claimStream } from './claim-stream.js';
import { columnsReader } from './columns-of.js';
import { markPoisoned } from './commit-transaction.js';
import { decodeMessage, type CommitVerify, type DecodedMessage } from './decode-message.js';
import { recordRejections } from './record-rejections.js';
import { summarize, type CommitObservation } from './commit-observation.js';

export type { CommitObservation } from './commit-observation.js';

export interface CommitterDeps {
  bus: Bus;
  db: Db;
  store: ObjectStore;
  sealKeys: Map<string, KeyObject>;
  lease: CommitterLease;
  /** tag (default): check each message's gatekeeper signature; full: also every seal and hash. */
  verify?: CommitVerify;
  log: Log;
  hooks?: CommitHooks;
  /** Called after every commit attempt, for metrics. */
  observe?: (event: CommitObservation) => void;
}

export interface Committer {
  stop(): Promise<void>;
  /** Settles when the loop ends; rejects when it ended on an error (e.g. a test crash hook). */
  done: Promise<void>;
}

/** Thrown by a test hook to stop the committer dead, as if the process had been killed at that point. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/**
 * The committer, pipelined: while one batch's transaction commits, the next batch waiting is decoded
 * and written to Parquet; a commit starts as soon as one is prepared and none is in flight, so a
 * quiet log commits each batch at once and a busy one commits more per transaction. Acks follow commits.
 */
export async function startCommitter(deps: CommitterDeps): Promise<Committer> {
  const { bus, db, lease, log } = deps;
  const stream = bus.names.eventsStream;
  await ensureConsumer(bus, stream, bus.names.committerDurable, `${bus.names.prefix}.events.>`, {
    ackWaitMs: lease.ackWaitMs,
    maxDeliver: lease.maxDeliver,
    maxAckPending: Math.max(lease.batchSize * 4, 1000),
  });
  await claimStream(bus, db);
  const commitDeps: CommitDeps = {
    db,
    store: deps.store,
    stream,
    columnsOf: columnsReader(db),
    hooks: deps.hooks,
  };
  const decodeCtx = { prefix: bus.names.prefix, keys: deps.sealKeys, verify: deps.verify ?? 'tag' };
  const source = await openMessageSource(bus, stream, bus.names.committerDurable, lease);

  const failed = (messages: LogMessage[], err: unknown, started: number) => {
    if (err instanceof SimulatedCrash) throw err;
    log('warn', 'commit failed; will retry', { err: errorText(err), messages: messages.length });
    for (const m of messages) {
      const decision = toAckDecision(err, m.deliveryCount, lease.backoffMs);
      if (decision.kind === 'nak') m.nak(decision.delayMs);
      else m.term();
    }
    deps.observe?.({
      kind: 'failed',
      messages: messages.length,
      seconds: seconds(started),
      error: errorText(err),
    });
  };

  /** Decode, set poison aside, write Parquet. Null when nothing is left to commit or it failed. */
  /** Decode, set poison aside, write Parquet. Null when nothing is left to commit or it failed. */
  const prepare = async (batch: LogMessage[], started: number): Promise<PreparedCommit | null> => {
    try {
      const decoded: DecodedMessage[] = [];
      const poison: { msg: LogMessage; err: NonRetriableError }[] = [];
      for (const msg of batch) {
        try {
          decoded.push(decodeMessage(decodeCtx, msg));
        } catch (err) {
          if (err instanceof NonRetriableError) poison.push({ msg, err });
          else throw err;
        }
      }
      await rejectPoison(poison);
      return decoded.length === 0 ? null : await prepareCommit(commitDeps, decoded);
    } catch (err) {
      failed(batch, err, started);
      return null;
    }
  };

  const rejectPoison = async (poison: { msg: LogMessage; err: NonRetriableError }[]) => {
    if (poison.length === 0) return;
    await recordRejections(db, bus.names.prefix, stream, poison);
    await markPoisoned(
      db,
      stream,
      poison.map((p) => p.msg.streamSeq),
    );
    for (const p of poison) {
      log('warn', 'log message rejected', { streamSeq: p.msg.streamSeq, code: p.err.code });
      p.msg.term();
    }
    deps.observe?.({ kind: 'poisoned', messages: poison.length });
  };

  const commit = async (prepared: PreparedCommit, started: number) => {
    try {
      const report = await finishCommit(commitDeps, prepared);
      for (const m of [...report.committed, ...report.alreadyDone]) m.msg.ack();
      await rejectPoison(
        report.copies.map((m) => ({
          msg: m.msg,
          err: new NonRetriableError(
            'duplicate_batch',
            `message ${m.msg.streamSeq}: a copy of a batch already stored`,
          ),
        })),
      );
      deps.observe?.(summarize(report, seconds(started)));
    } catch (err) {
      failed(
        [...prepared.messages, ...prepared.copies].map((m) => m.msg),
        err,
        started,
      );
    }
  };

  const done = (async () => {
    let inFlight: Promise<void> = Promise.resolve();
    try {
      for (let batch = await source.next(); batch.length > 0; batch = await source.next()) {
        const started = performance.now();
        const prepared = await prepare(batch, started);
        await inFlight;
        if (prepared) {
          inFlight = commit(prepared, started);
          // Handled here so a crash of this commit is not "unhandled" while the next batch is awaited.
          inFlight.catch(() => undefined);
        }
      }
      await inFlight;
    } finally {
      await inFlight.catch(() => undefined);
      await source.stop();
    }
  })();
  return {
    done,
    async stop() {
      await source.stop();
      await done.catch(() => undefined);
    },
  };
}

const seconds = (started: number) => (performance.now() - started) / 1000;
