import { toVisibilityToken } from '../bus/index.js';
import { pageEnd, streamLines, type SessionKey } from './read-records.js';
import { assertSessionExists, watermarkOf, type ReplayDeps } from './replay-deps.js';

export interface StreamQuery {
  afterSeq: number;
  /** At most this many client events (and the seals right after the last); all when absent. */
  limit?: number;
}

/** An NDJSON replay: the watermark it is read at, and its text in chunks of whole lines. */
export interface ReplayStream {
  watermark: string;
  chunks: AsyncGenerator<string>;
}

/**
 * All committed records after `afterSeq` as NDJSON, one record a line, read through a cursor so a session
 * of any size streams in bounded memory. Fails with 404 before the first byte for an unknown session.
 */
export async function replayStream(deps: ReplayDeps, k: SessionKey, q: StreamQuery): Promise<ReplayStream> {
  const watermark = await watermarkOf(deps);
  await assertSessionExists(deps, k);
  const upToSeq =
    q.limit === undefined ? null : (await pageEnd(deps.db, k, q.afterSeq, q.limit, watermark)).upToSeq;
  return {
    watermark: toVisibilityToken(watermark),
    chunks: streamLines(deps.db, k, { afterSeq: q.afterSeq, upToSeq, watermark }),
  };
}
