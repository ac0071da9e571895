import { publishNotice, toAckDecision, type Bus } from '../bus/index.js';
import type { IngestAnswer } from '../contracts/index.js';
import { isAppError } from '../errors.js';
import { toProblem } from '../problem.js';
import { ingestBatch, type IngestDeps } from '../ingest/index.js';
import { errorText, type Log } from '../log.js';
import type { Metrics } from '../metrics/index.js';
import { recordRejection } from '../rejections/index.js';
import type { GatekeeperLease } from './gatekeeper-lease.js';
import type { PreparedRaw } from './prepare-raw.js';
import type { RawOutcome } from './raw-outcome.js';

/** Test-only points inside the gatekeeper protocol. */
export interface GatekeeperHooks {
  /** After the batch is in the event log, before its outcome is published and the raw message acked. */
  afterIngest?(rawSeq: number, answer: IngestAnswer): Promise<void>;
}

export interface GatekeeperDeps {
  bus: Bus;
  ingest: IngestDeps;
  lease: GatekeeperLease;
  log: Log;
  metrics?: Metrics;
  hooks?: GatekeeperHooks;
}

/** A gap often heals when an earlier batch still in flight lands; it is final after this many deliveries. */
const GAP_DELIVERIES = 3;

/**
 * Runs one raw message through the ingest verb, publishes its outcome and settles it: ack when in the
 * log, term after recording a permanent failure, nak for a transient one. Returns the nak delay, else 0.
 */
export async function gateMessage(deps: GatekeeperDeps, p: PreparedRaw): Promise<number> {
  const { msg } = p;
  const started = performance.now();
  const observe = (code: string, events = 0) =>
    deps.metrics?.observeIngest('raw', code, (performance.now() - started) / 1000, events);
  const of = { msg_id: msg.header('Nats-Msg-Id') ?? null, raw_seq: msg.streamSeq };
  let failure: unknown = p.invalid;
  if (!p.invalid) {
    try {
      const { answer } = await ingestBatch(deps.ingest, { tenant: p.tenant, table: p.table, body: p.body });
      await deps.hooks?.afterIngest?.(msg.streamSeq, answer);
      publishOutcome(deps.bus, p, { ...of, ...answer });
      msg.ack();
      observe(answer.status, answer.accepted_count);
      return 0;
    } catch (err) {
      failure = err;
    }
  }
  const code = isAppError(failure) ? failure.code : 'internal';
  if (!isFinal(failure, msg.deliveryCount, deps.lease.maxDeliver))
    return retry(deps, p, failure, code, observe);
  if (!isAppError(failure))
    deps.log('error', 'raw message failed', { rawSeq: msg.streamSeq, err: errorText(failure) });
  const problem = toProblem(failure).body;
  let rejectionId: string;
  try {
    rejectionId = await recordRejection(deps.ingest.db, {
      tenant: p.tenant,
      table: p.table,
      sessionId: p.sessionId,
      code,
      detail: String(problem.detail),
      msgId: of.msg_id,
      stream: deps.bus.names.rawStream,
      streamSeq: msg.streamSeq,
      body: new TextDecoder().decode(msg.data),
    });
  } catch (err) {
    return retry(deps, p, err, 'unavailable', observe);
  }
  publishOutcome(deps.bus, p, {
    ...of,
    status: 'rejected',
    table: p.table,
    session_id: p.sessionId,
    rejection_id: rejectionId,
    problem,
  });
  // term() without a reason: nats-server 2.9 ignores a reason and redelivers.
  msg.term();
  observe(code);
  return 0;
}

/** Client errors never change on retry, except losing a race (the retry re-reads the head) and a gap. */
function isFinal(err: unknown, deliveryCount: number, maxDeliver: number): boolean {
  if (deliveryCount >= maxDeliver) return true;
  if (!isAppError(err) || err.status >= 500 || err.code === 'concurrent_append') return false;
  return err.code !== 'sequence_gap' || deliveryCount >= GAP_DELIVERIES;
}

function retry(
  deps: GatekeeperDeps,
  p: PreparedRaw,
  err: unknown,
  code: string,
  observe: (code: string) => void,
): number {
  const decision = toAckDecision(err, p.msg.deliveryCount, deps.lease.backoffMs);
  const delayMs = decision.kind === 'nak' ? decision.delayMs : (deps.lease.backoffMs[0] ?? 1000);
  deps.log('warn', 'raw message will be retried', {
    rawSeq: p.msg.streamSeq,
    code,
    delayMs,
    err: errorText(err),
  });
  p.msg.nak(delayMs);
  observe(code);
  return delayMs;
}

/** Outcomes are core NATS messages: fire-and-forget (rejections are durable in Postgres, batches in the log). */
function publishOutcome(bus: Bus, p: PreparedRaw, outcome: RawOutcome): void {
  publishNotice(bus, p.outcomeSubject, outcome);
}
