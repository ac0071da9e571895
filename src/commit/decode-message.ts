import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, canonicalJson, hashEvent, verifyLogTag, verifySeal } from '../chain/index.js';
import { HEADERS, parseEventsSubject, toVisibilityToken, type LogMessage } from '../bus/index.js';
import { NonRetriableError } from '../errors.js';
import { batchRecords, decodeLogBody, type BatchRecords, type LogBody } from '../wire/index.js';

/** How much the committer re-checks: the gatekeeper's tag only, or every hash and seal too (audits). */
export type CommitVerify = 'tag' | 'full';

/** A log message decoded into the records it commits. */
export interface DecodedMessage {
  msg: LogMessage;
  batch: BatchRecords;
  idempotencyKey?: string;
  fingerprint?: string;
  /** Events in the original request (accepted + duplicate), with an idempotency key. */
  requestCount?: number;
}

export interface DecodeContext {
  prefix: string;
  keys: Map<string, KeyObject>;
  verify: CommitVerify;
}

const poison = (code: string, msg: LogMessage, detail: string) =>
  new NonRetriableError(code, `message ${msg.streamSeq}: ${detail}`);

/**
 * Decodes a log message after checking the gatekeeper's tag over it, so a message written around the
 * gatekeeper (publish rights on the log, no key) never enters the lake. The events' hashes were checked
 * before the tag was made; `verify: 'full'` checks them again anyway.
 */
export function decodeMessage(ctx: DecodeContext, msg: LogMessage): DecodedMessage {
  const where = parseEventsSubject(ctx.prefix, msg.subject);
  if (!where)
    throw new NonRetriableError('invalid_request', `subject ${msg.subject} is not an events subject`);
  const idempotencyKey = msg.header(HEADERS.idempotencyKey);
  const fingerprint = msg.header(HEADERS.fingerprint);
  const countText = msg.header(HEADERS.requestCount);
  const requestCount = countText === undefined ? undefined : Number(countText);
  const tagged = { subject: msg.subject, idempotencyKey, fingerprint, requestCount, body: msg.data };
  if (!verifyLogTag(ctx.keys, tagged, msg.header(HEADERS.signature))) {
    throw poison(
      'log_signature_invalid',
      msg,
      'no valid gatekeeper signature: not written by chainlake ingest',
    );
  }
  let body: LogBody;
  try {
    body = decodeLogBody(
      Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).toString('utf8'),
      true,
    );
  } catch (err) {
    throw new NonRetriableError('invalid_request', `message ${msg.streamSeq} is not a batch envelope`, {
      cause: err,
    });
  }
  const { events, seal } = body;
  const last = events[events.length - 1]!;
  if (
    seal.tenant !== where.tenant ||
    seal.table !== where.table ||
    seal.session_id !== where.sessionId ||
    seal.from_seq !== events[0]!.seq ||
    seal.seq !== last.seq ||
    seal.head_hash !== last.hash
  ) {
    throw poison('seal_context_mismatch', msg, 'the seal does not cover its events');
  }
  if (ctx.verify === 'full') verifyFully(ctx, msg, where.table, where.sessionId, body);
  return {
    msg,
    batch: batchRecords(where, toVisibilityToken(msg.streamSeq), body),
    idempotencyKey,
    fingerprint,
    requestCount: requestCount !== undefined && Number.isSafeInteger(requestCount) ? requestCount : undefined,
  };
}

/** Every seal signature, payload canonical form, hash and link, as ingest checked them. */
function verifyFully(
  ctx: DecodeContext,
  msg: LogMessage,
  table: string,
  sessionId: string,
  body: LogBody,
): void {
  const sealCheck = verifySeal(body.seal, ctx.keys);
  if (!sealCheck.ok) throw poison(sealCheck.code, msg, sealCheck.detail);
  let prev: LogBody['events'][number] | null = null;
  for (const [i, ev] of body.events.entries()) {
    const payload = canonicalJson(ev.payload);
    if (payload !== body.payloadJcs[i] || hashEvent(table, sessionId, ev, payload) !== ev.hash) {
      throw poison('hash_mismatch', msg, `event ${ev.seq} does not match its hash`);
    }
    const broken = prev
      ? ev.seq !== prev.seq + 1 || ev.prev_hash !== prev.hash
      : ev.seq === 1 && ev.prev_hash !== GENESIS_HASH;
    if (broken) throw poison('broken_link', msg, `event ${ev.seq} does not link`);
    prev = ev;
  }
}
