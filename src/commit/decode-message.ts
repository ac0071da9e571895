import * as v from 'valibot';
import {
  canonicalJson,
  hashEvent,
  GENESIS_HASH,
  verifySeal,
  type ClientEvent,
  type Seal,
} from '../chain/index.js';
import { HEADERS, parseEventsSubject, toVisibilityToken, type LogMessage } from '../bus/index.js';
import { EventSchema, SealSchema } from '../contracts/index.js';
import { NonRetriableError } from '../errors.js';
import type { LakeRecord } from './lake-record.js';

const EnvelopeSchema = v.object({ events: v.pipe(v.array(EventSchema), v.minLength(1)), seal: SealSchema });

/** A log message decoded into the records it commits. */
export interface DecodedMessage {
  msg: LogMessage;
  tenant: string;
  table: string;
  sessionId: string;
  events: ClientEvent[];
  seal: Seal;
  idempotencyKey?: string;
  fingerprint?: string;
  records: LakeRecord[];
}

/**
 * Decodes and re-checks a log message. The gatekeeper verified it already; checking again here means a
 * message written around it (a producer with publish rights on the log) can never enter the lake.
 */
export function decodeMessage(
  prefix: string,
  msg: LogMessage,
  sealKeys: Map<string, import('node:crypto').KeyObject>,
): DecodedMessage {
  const where = parseEventsSubject(prefix, msg.subject);
  if (!where)
    throw new NonRetriableError('invalid_request', `subject ${msg.subject} is not an events subject`);
  let parsed: v.InferOutput<typeof EnvelopeSchema>;
  try {
    parsed = v.parse(EnvelopeSchema, JSON.parse(new TextDecoder().decode(msg.data)));
  } catch (err) {
    throw new NonRetriableError('invalid_request', `message ${msg.streamSeq} is not a batch envelope`, {
      cause: err,
    });
  }
  const { events } = parsed;
  const seal = parsed.seal as Seal;
  const sealCheck = verifySeal(seal, sealKeys);
  if (!sealCheck.ok)
    throw new NonRetriableError(sealCheck.code, `message ${msg.streamSeq}: ${sealCheck.detail}`);
  const last = events[events.length - 1]!;
  if (
    seal.tenant !== where.tenant ||
    seal.table !== where.table ||
    seal.session_id !== where.sessionId ||
    seal.from_seq !== events[0]!.seq ||
    seal.seq !== last.seq ||
    seal.head_hash !== last.hash
  ) {
    throw new NonRetriableError(
      'seal_context_mismatch',
      `message ${msg.streamSeq}: the seal does not cover its events`,
    );
  }

  const token = toVisibilityToken(msg.streamSeq);
  const records: LakeRecord[] = [];
  let prev: ClientEvent | null = null;
  for (const ev of events) {
    const payload = canonicalJson(ev.payload);
    if (hashEvent(where.table, where.sessionId, ev, payload) !== ev.hash) {
      throw new NonRetriableError(
        'hash_mismatch',
        `message ${msg.streamSeq}: event ${ev.seq} does not match its hash`,
      );
    }
    if (
      prev
        ? ev.seq !== prev.seq + 1 || ev.prev_hash !== prev.hash
        : ev.seq === 1 && ev.prev_hash !== GENESIS_HASH
    ) {
      throw new NonRetriableError('broken_link', `message ${msg.streamSeq}: event ${ev.seq} does not link`);
    }
    prev = ev;
    records.push({
      tenant: where.tenant,
      table: where.table,
      session_id: where.sessionId,
      seq: ev.seq,
      kind: 'event',
      type: ev.type,
      ts: ev.ts,
      payload,
      fields: ev.payload,
      prev_hash: ev.prev_hash,
      hash: ev.hash,
      visibility_token: token,
      ingested_at: msg.time,
      stream_seq: msg.streamSeq,
    });
  }
  records.push({
    tenant: where.tenant,
    table: where.table,
    session_id: where.sessionId,
    seq: seal.seq,
    kind: 'seal',
    type: 'CHAIN_SEAL',
    ts: seal.sealed_at,
    payload: canonicalJson(seal),
    fields: null,
    prev_hash: seal.prev_seal_hash,
    hash: seal.hash,
    visibility_token: token,
    ingested_at: msg.time,
    stream_seq: msg.streamSeq,
  });
  return {
    msg,
    tenant: where.tenant,
    table: where.table,
    sessionId: where.sessionId,
    events,
    seal,
    idempotencyKey: msg.header(HEADERS.idempotencyKey),
    fingerprint: msg.header(HEADERS.fingerprint),
    records,
  };
}
