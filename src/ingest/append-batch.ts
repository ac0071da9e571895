import { signLogTag, type ChainBatch, type ClientEvent } from '../chain/index.js';
import { logMsgId, publishBatch, readBatchAt, toVisibilityToken } from '../bus/index.js';
import type { IngestAnswer, IngestRequest } from '../contracts/index.js';
import { AppError, RetryAfterError } from '../errors.js';
import { findLiveTable } from '../tenancy/index.js';
import { acceptedAnswer } from '../wire/index.js';
import { appendLoop, type AppendSteps } from './append-loop.js';
import { checkColumns } from './check-columns.js';
import { duplicateAnswer } from './duplicate-answer.js';
import { fingerprintOf, lookupIdempotencyKey, rememberIdempotencyKey } from './idempotency.js';
import type { IngestCommand, IngestDeps } from './ingest-batch.js';
import { sealBatch } from './seal-batch.js';
import { loadSessionState, type SessionKey, type SessionState } from './session-state.js';
import { headExtras, invalid, verifyAgainst } from './verify-against.js';

/**
 * Appends a validated batch: table and columns, idempotency key, then the append loop (append-loop.ts)
 * over the real steps: verify against the head, seal and publish under the optimistic lock.
 */
export async function appendBatch(
  deps: IngestDeps,
  cmd: IngestCommand,
  req: IngestRequest,
  canonicalPayloads: string[],
): Promise<IngestAnswer> {
  const { bus, db, heads } = deps;
  if (!bus.isConnected()) throw new RetryAfterError('The event log is unreachable; nothing was written.', 1);
  const table = await findLiveTable(db, cmd.tenant, cmd.table);
  if (!table) throw new AppError('table_not_found', `Table "${cmd.table}" does not exist.`);
  const columnErrors = checkColumns(req.events, table.columns);
  if (columnErrors.length > 0) throw invalid(columnErrors);

  const key: SessionKey = { tenant: cmd.tenant, table: cmd.table, sessionId: req.session_id };
  const batch: ChainBatch = { table: cmd.table, session_id: req.session_id, events: req.events };
  const fingerprint = fingerprintOf(req.session_id, req.events);
  const idempotencyKey = req.idempotency_key;
  if (idempotencyKey !== undefined) {
    const known = await lookupIdempotencyKey(db, cmd.tenant, cmd.table, idempotencyKey);
    if (known && known.fingerprint !== fingerprint) {
      const state = heads?.get(key) ?? (await loadSessionState(bus, db, key));
      throw new AppError(
        'idempotency_key_reused',
        `Idempotency key "${idempotencyKey}" was used for other events.`,
        headExtras(state.head),
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
    if (idempotencyKey === undefined) return answer;
    // The batch is already durable in the log; failing to remember the key must not turn it into an error.
    await rememberIdempotencyKey(db, cmd.tenant, cmd.table, idempotencyKey, fingerprint, answer).catch(
      (err) => deps.warn?.('could not remember idempotency key', err),
    );
    return answer;
  };

  const subject = bus.names.events(cmd.tenant, cmd.table, req.session_id);
  const steps: AppendSteps = {
    verify: (state) => verifyAgainst(deps, key, batch, state, canonicalPayloads),
    reload: () => loadSessionState(bus, db, key),
    forget: () => heads?.delete(key),
    duplicate: (state) => duplicateAnswer(deps, key, state, req.events),
    async inLog(streamSeq) {
      const stored = await readBatchAt(bus, streamSeq);
      if (!stored)
        throw new RetryAfterError('The log message of an earlier identical batch could not be read.');
      return acceptedAnswer({
        seal: stored.envelope.seal,
        visibilityToken: toVisibilityToken(streamSeq),
        acceptedCount: 0,
        duplicateCount: req.events.length,
        status: 'duplicate',
      });
    },
    async publish(state, verdict) {
      const payloads = canonicalPayloads.slice(verdict.duplicateCount);
      const { seal, data } = sealOrThrow(deps, cmd, req, state, verdict.newEvents, payloads);
      const headers =
        idempotencyKey === undefined ? {} : { idempotencyKey, fingerprint, requestCount: req.events.length };
      const outcome = await publishBatch(bus, {
        subject,
        data,
        msgId: logMsgId(cmd.tenant, cmd.table, req.session_id, seal.from_seq, seal.head_hash),
        expectedLastSubjectSeq: state.lastSubjectSeq,
        ...headers,
        signature: signLogTag(deps.keyRing.current, { subject, body: data, ...headers }),
      });
      if (outcome.kind !== 'stored') return outcome;
      heads?.set(key, {
        head: { seq: seal.seq, hash: seal.head_hash },
        lastSealHash: seal.hash,
        lastSubjectSeq: outcome.streamSeq,
      });
      const answer = acceptedAnswer({
        seal,
        visibilityToken: toVisibilityToken(outcome.streamSeq),
        acceptedCount: verdict.newEvents.length,
        duplicateCount: verdict.duplicateCount,
        status: 'accepted',
      });
      return { kind: 'stored', answer };
    },
  };
  return remember(await appendLoop(steps, heads?.get(key) ?? (await loadSessionState(bus, db, key))));
}

function sealOrThrow(
  deps: IngestDeps,
  cmd: IngestCommand,
  req: IngestRequest,
  state: SessionState,
  events: ClientEvent[],
  payloadJcs: string[],
) {
  const sealed = sealBatch(deps.keyRing.current, {
    tenant: cmd.tenant,
    table: cmd.table,
    sessionId: req.session_id,
    events,
    payloadJcs,
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
