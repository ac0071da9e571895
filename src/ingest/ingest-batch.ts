import { parseVisibilityToken, type Bus } from '../bus/index.js';
import { IngestRequestSchema, parseOrThrow, type IngestAnswer } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { AppError } from '../errors.js';
import type { KeyRing } from '../keys/index.js';
import { appendBatch } from './append-batch.js';
import { whenCanonical } from './check-canonical.js';
import { checkPayloadLimits } from './check-payload-limits.js';
import type { HeadCache } from './head-cache.js';
import { toUnavailable } from './to-unavailable.js';
import { invalid } from './verify-against.js';

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
  // Each payload is canonicalized once here; the hashes, the log body and the lake reuse the text.
  const limits = whenCanonical(req.events, () => checkPayloadLimits(req.events, deps.limits), invalid);
  if (limits.errors.length > 0) throw invalid(limits.errors);

  const answer = await toUnavailable(() => appendBatch(deps, cmd, req, limits.canonical));
  return finish(deps, answer, cmd.waitMs);
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
