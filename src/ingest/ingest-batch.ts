import {
  anchorSeqFor,
  verifyBatch,
  type ChainBatch,
  type ClientEvent,
  type Head,
  type VerifyResult,
} from '../chain/index.js';
import type { KeyRing } from '../keys/index.js';
import {
  parseVisibilityToken,
  publishBatch,
  readBatchAt,
  toVisibilityToken,
  type Bus,
} from '../bus/index.js';
import {
  IngestRequestSchema,
  parseOrThrow,
  type IngestAnswer,
  type IngestRequest,
} from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { AppError, isAppError, RetryAfterError } from '../errors.js';
import { findLiveTable } from '../tenancy/index.js';
import { whenCanonical } from './check-canonical.js';
import type { HeadCache } from './head-cache.js';
import { checkColumns } from './check-columns.js';
import { checkPayloadLimits } from './check-payload-limits.js';
import { fingerprintOf, lookupIdempotencyKey, rememberIdempotencyKey } from './idempotency.js';
import { sealBatch } from './seal-batch.js';
import { findAcceptedEvent, loadSessionState, type SessionKey, type SessionState } from './session-state.js';
import { toUnavailable } from './to-unavailable.js';

export interface IngestLimits {
  maxEvents: number;
  maxPayloadBytes: number;
  maxDepth: number;
}

/** Wakes when the committed watermark reaches a stream sequence. */
export interface VisibilityWaiter {
  waitFor(streamSeq: number, timeoutMs: number): Promise<boolean>;
}

export interface IngestDeps {
  bus: Bus;
  db: Db;
  keyRing: KeyRing;
  limits: IngestLimits;
  visibility?: VisibilityWaiter;
  /** Heads this process appended last; without it every ingest reads the head from the log. */
  heads?: HeadCache;
  /** Reports failures that do not change the answer (e.g. remembering an idempotency key). */
  warn?: (message: string, err: unknown) => void;
}

export interface IngestCommand {
  tenant: string;
  table: string;
  /** The parsed JSON body. */
  body: unknown;
  /** Hold the answer until the batch is committed, at most this long. */
  waitMs?: number;
}

export interface IngestResult {
  httpStatus: 200 | 202;
  answer: IngestAnswer;
}

/**
 * The one ingest verb behind HTTP and NATS: validate → load head → verify → drop the accepted overlap
 * → seal → publish one message. Every failure throws an AppError before anything is written.
 */
export async function ingestBatch(deps: IngestDeps, cmd: IngestCommand): Promise<IngestResult> {
  const req = parseOrThrow(IngestRequestSchema, cmd.body);
  if (req.events.length > deps.limits.maxEvents) {
    throw new AppError(
      'batch_too_large',
      `A batch holds at most ${deps.limits.maxEvents} events; this one has ${req.events.length}. Split it.`,
    );
  }
  const limits = whenCanonical(req.events, () => checkPayloadLimits(req.events, deps.limits), invalid);
  if (limits.errors.length > 0) throw invalid(limits.errors);

  const answer = await toUnavailable(() => appendBatch(deps, cmd, req, limits.canonical));
  return finish(deps, answer, cmd.waitMs);
}

async function appendBatch(
  deps: IngestDeps,
  cmd: IngestCommand,
  req: IngestRequest,
  canonicalPayloads: string[],
): Promise<IngestAnswer> {
  const { bus, db } = deps;
  if (!bus.isConnected()) throw new RetryAfterError('The event log is unreachable; nothing was written.', 1);
  const table = await findLiveTable(db, cmd.tenant, cmd.table);
  if (!table) throw new AppError('table_not_found', `Table "${cmd.table}" does not exist.`);
  const columnErrors = checkColumns(req.events, table.columns);
  if (columnErrors.length > 0) throw invalid(columnErrors);

  const key: SessionKey = { tenant: cmd.tenant, table: cmd.table, sessionId: req.session_id };
  const batch: ChainBatch = { table: cmd.table, session_id: req.session_id, events: req.events };
  const fingerprint = fingerprintOf(req.session_id, req.events);
  if (req.idempotency_key !== undefined) {
    const known = await lookupIdempotencyKey(db, cmd.tenant, cmd.table, req.idempotency_key);
    if (known && known.fingerprint !== fingerprint) {
      throw new AppError(
        'idempotency_key_reused',
        `Idempotency key "${req.idempotency_key}" was used for other events.`,
      );
    }
    if (known)
      return {
        ...known.answer,
        status: 'duplicate',
        accepted_count: 0,
        duplicate_count: req.events.length,
        visible: false,
      };
  }
  const remember = async (answer: IngestAnswer) => {
    if (req.idempotency_key === undefined) return answer;
    // The batch is already durable in the log; failing to remember the key must not turn it into an error.
    await rememberIdempotencyKey(db, cmd.tenant, cmd.table, req.idempotency_key, fingerprint, answer).catch(
      (err) => deps.warn?.('could not remember idempotency key', err),
    );
    return answer;
  };

  const heads = deps.heads;
  let state = heads?.get(key) ?? (await loadSessionState(bus, db, key));
  for (;;) {
    let verdict: Awaited<ReturnType<typeof verifyAgainst>>;
    try {
      verdict = await verifyAgainst(deps, key, batch, state, canonicalPayloads);
    } catch (err) {
      // A cached head may be stale (another process appended): judge the sequence again on the log's head.
      if (state.cached && isAppError(err) && err.code.startsWith('sequence_')) {
        heads?.delete(key);
        state = await loadSessionState(bus, db, key);
        continue;
      }
      throw err;
    }
    if (verdict.newEvents.length === 0) return remember(await duplicateAnswer(deps, key, state, req.events));

    const { envelope, data } = sealOrThrow(deps, cmd, req, state, verdict);
    const outcome = await publishBatch(
      bus,
      {
        subject: bus.names.events(cmd.tenant, cmd.table, req.session_id),
        envelope,
        msgId: `${cmd.tenant}.${cmd.table}.${req.session_id}.${envelope.seal.from_seq}.${envelope.seal.head_hash}`,
        expectedLastSubjectSeq: state.lastSubjectSeq,
        idempotencyKey: req.idempotency_key,
        fingerprint,
      },
      data,
    );
    if (outcome.kind === 'stored') {
      const { seal } = envelope;
      heads?.set(key, { head: { seq: seal.seq, hash: seal.head_hash }, lastSealHash: seal.hash, lastSubjectSeq: outcome.streamSeq });
      return remember(successAnswer(seal, outcome.streamSeq, verdict.duplicateCount, envelope.events.length, 'accepted'));
    }
    heads?.delete(key);
    if (outcome.kind === 'duplicate') {
      // Same msg-id inside the dedup window: the same events were appended by an earlier attempt.
      const stored = await readBatchAt(bus, outcome.streamSeq);
      if (!stored) throw new RetryAfterError('The log message of an earlier identical batch could not be read.');
      return remember(successAnswer(stored.envelope.seal, outcome.streamSeq, req.events.length, 0, 'duplicate'));
    }
    const lostOnCachedHead = state.cached === true;
    state = await loadSessionState(bus, db, key);
    // A stale cached head lost the lock without any race: try once more on the log's head.
    if (lostOnCachedHead) continue;
    // Lost a real race: if the winner appended exactly these events, this is a duplicate.
    const again = await verifyAgainst(deps, key, batch, state, canonicalPayloads);
    if (again.newEvents.length === 0) return remember(await duplicateAnswer(deps, key, state, req.events));
    throw new AppError(
      'concurrent_append',
      'Another writer appended to this session first; reload the head and retry.',
      headExtras(state.head),
    );
  }
}

/** Verifies a batch against the session's head, fetching the accepted hash an older overlap needs. */
async function verifyAgainst(
  deps: IngestDeps,
  key: SessionKey,
  batch: ChainBatch,
  state: SessionState,
  canonicalPayloads?: readonly string[],
): Promise<VerifyResult & { ok: true }> {
  const anchorSeq = anchorSeqFor(batch.events, state.head);
  let anchor: Head | undefined;
  if (anchorSeq !== null) {
    const accepted = await findAcceptedEvent(deps.bus, deps.db, key, state, anchorSeq);
    if (!accepted)
      throw new RetryAfterError(`Event ${anchorSeq} is accepted but not yet committed; retry shortly.`);
    anchor = { seq: anchorSeq, hash: accepted.hash };
  }
  const verdict = whenCanonical(batch.events, () => verifyBatch(batch, state.head, anchor, canonicalPayloads), invalid);
  if (verdict.ok) return verdict;
  const extras = verdict.code.startsWith('sequence_')
    ? headExtras(state.head)
    : verdict.code === 'invalid_request'
      ? {
          errors: [
            {
              path: `/events/${batch.events.findIndex((e) => e.seq === verdict.seq)}/seq`,
              message: verdict.detail,
            },
          ],
        }
      : {};
  throw new AppError(verdict.code, verdict.detail, { seq: verdict.seq, ...extras });
}

function sealOrThrow(
  deps: IngestDeps,
  cmd: IngestCommand,
  req: IngestRequest,
  state: SessionState,
  verdict: { newEvents: ClientEvent[] },
) {
  const sealed = sealBatch(deps.keyRing.current, {
    tenant: cmd.tenant,
    table: cmd.table,
    sessionId: req.session_id,
    events: verdict.newEvents,
    prevSealHash: state.lastSealHash,
  });
  // Headers and the protocol line take a little room besides the body.
  const limit = deps.bus.maxPayload() - 1024;
  if (sealed.data.byteLength > limit) {
    throw new AppError(
      'batch_too_large',
      `The sealed batch is ${sealed.data.byteLength} bytes; one log message holds at most ${limit} (NATS max_payload ${deps.bus.maxPayload()}). Split it.`,
    );
  }
  return sealed;
}

async function duplicateAnswer(
  deps: IngestDeps,
  key: SessionKey,
  state: SessionState,
  events: ClientEvent[],
): Promise<IngestAnswer> {
  const last = events[events.length - 1]!;
  const accepted = await findAcceptedEvent(deps.bus, deps.db, key, state, last.seq);
  if (!accepted)
    throw new RetryAfterError(`Event ${last.seq} is accepted but not yet committed; retry shortly.`);
  return {
    status: 'duplicate',
    table: key.table,
    session_id: key.sessionId,
    accepted_count: 0,
    duplicate_count: events.length,
    head: { seq: accepted.seal.seq, hash: accepted.seal.head_hash },
    seal: accepted.seal,
    visibility_token: accepted.visibilityToken,
    visible: false,
  };
}

function successAnswer(
  seal: IngestAnswer['seal'],
  streamSeq: number,
  duplicateCount: number,
  acceptedCount: number,
  status: 'accepted' | 'duplicate',
): IngestAnswer {
  return {
    status,
    table: seal.table,
    session_id: seal.session_id,
    accepted_count: acceptedCount,
    duplicate_count: duplicateCount,
    head: { seq: seal.seq, hash: seal.head_hash },
    seal,
    visibility_token: toVisibilityToken(streamSeq),
    visible: false,
  };
}

async function finish(
  deps: IngestDeps,
  answer: IngestAnswer,
  waitMs: number | undefined,
): Promise<IngestResult> {
  const httpStatus = answer.status === 'accepted' ? 202 : 200;
  if (waitMs === undefined || !deps.visibility) return { httpStatus, answer };
  const streamSeq = parseVisibilityToken(answer.visibility_token) ?? 0;
  const visible = await deps.visibility.waitFor(streamSeq, waitMs);
  if (!visible) return { httpStatus, answer };
  return answer.status === 'accepted'
    ? { httpStatus: 200, answer: { ...answer, status: 'visible', visible: true } }
    : { httpStatus: 200, answer: { ...answer, visible: true } };
}

function headExtras(head: Head | null) {
  return { expected_seq: (head?.seq ?? 0) + 1, head: head ? { seq: head.seq, hash: head.hash } : null };
}

function invalid(errors: { path: string; message: string }[]): AppError {
  const first = errors[0]!;
  return new AppError('invalid_request', `The request body is invalid: ${first.path} ${first.message}`, {
    errors,
  });
}
