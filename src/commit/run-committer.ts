import type { KeyObject } from 'node:crypto';
import { consumeBatches, ensureConsumer, toAckDecision, type Bus, type LogMessage } from '../bus/index.js';
import type { CommitterLease } from '../config/index.js';
import type { Db } from '../db/index.js';
import { NonRetriableError } from '../errors.js';
import type { Log } from '../log.js';
import { errorText } from '../log.js';
import type { ObjectStore } from '../store/index.js';
import { commitBatch, type CommitHooks, type CommitReport } from './commit-batch.js';
import { claimStream } from './claim-stream.js';
import { columnsReader } from './columns-of.js';
import { markPoisoned } from './commit-transaction.js';
import { decodeMessage, type DecodedMessage } from './decode-message.js';
import { recordRejections } from './record-rejections.js';

export interface CommitterDeps {
  bus: Bus;
  db: Db;
  store: ObjectStore;
  sealKeys: Map<string, KeyObject>;
  lease: CommitterLease;
  log: Log;
  hooks?: CommitHooks;
  /** Called after every commit attempt, for metrics. */
  observe?: (event: CommitObservation) => void;
}

/** What one commit attempt did, as plain data (it crosses from the committer's thread to the metrics). */
export type CommitObservation =
  | {
      kind: 'committed';
      seconds: number;
      /** Messages committed by this attempt, and found committed already (redeliveries). */
      committed: number;
      alreadyDone: number;
      /** Messages dropped because a newer delivery owns them. */
      fenced: number;
      rows: number;
      fileRows: number[];
      redelivered: number;
    }
  | { kind: 'failed'; messages: number; seconds: number }
  | { kind: 'poisoned'; messages: number };

export interface Committer {
  stop(): Promise<void>;
  /** Settles when the loop ends; rejects when it ended on an error (e.g. a test crash hook). */
  done: Promise<void>;
}

/**
 * The committer: leases batches from the durable consumer, commits them, and then acks. A transient
 * failure naks with backoff; a message that can never commit is recorded, marked done and terminated.
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
  const columnsOf = columnsReader(db);

  const handle = async (batch: LogMessage[]) => {
    const started = performance.now();
    const decoded: DecodedMessage[] = [];
    const poison: { msg: LogMessage; err: NonRetriableError }[] = [];
    for (const msg of batch) {
      try {
        decoded.push(decodeMessage(bus.names.prefix, msg, deps.sealKeys));
      } catch (err) {
        if (err instanceof NonRetriableError) poison.push({ msg, err });
        else throw err;
      }
    }
    try {
      if (poison.length > 0) {
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
      }
      if (decoded.length === 0) return;
      const report = await commitBatch(
        { db, store: deps.store, stream, columnsOf, hooks: deps.hooks },
        decoded,
      );
      for (const m of [...report.committed, ...report.alreadyDone]) m.msg.ack();
      deps.observe?.(summarize(report, (performance.now() - started) / 1000, decoded));
    } catch (err) {
      if (err instanceof SimulatedCrash) throw err;
      log('warn', 'commit failed; will retry', { err: errorText(err), messages: batch.length });
      for (const m of decoded) {
        const decision = toAckDecision(err, m.msg.deliveryCount, lease.backoffMs);
        if (decision.kind === 'nak') m.msg.nak(decision.delayMs);
        else m.msg.term();
      }
      for (const p of poison) p.msg.nak(lease.backoffMs[0]);
      deps.observe?.({
        kind: 'failed',
        messages: batch.length,
        seconds: (performance.now() - started) / 1000,
      });
    }
  };

  const consumer = await consumeBatches(
    bus,
    stream,
    bus.names.committerDurable,
    {
      batchSize: lease.batchSize,
      maxBytes: lease.maxBytes,
      maxWaitMs: lease.maxWaitMs,
      workingIntervalMs: lease.workingIntervalMs,
    },
    handle,
  );
  return { stop: () => consumer.stop(), done: consumer.done };
}

/** Thrown by a test hook to stop the committer dead, as if the process had been killed at that point. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

function summarize(report: CommitReport, seconds: number, decoded: DecodedMessage[]): CommitObservation {
  return {
    kind: 'committed',
    seconds,
    committed: report.committed.length,
    alreadyDone: report.alreadyDone.length,
    fenced: report.fenced.length,
    rows: report.committed.reduce((n, m) => n + m.records.length, 0),
    fileRows: report.files.map((f) => f.rows),
    redelivered: decoded.filter((m) => m.msg.deliveryCount > 1).length,
  };
}
