import { toVisibilityToken } from '../bus/index.js';
import { pageEnd, readLines, type SessionKey } from './read-records.js';
import { assertSessionExists, watermarkOf, type ReplayDeps } from './replay-deps.js';

export interface PageQuery {
  afterSeq: number;
  /** Client events on the page (1..1000). */
  limit: number;
}

/** A page as its exact JSON text, and the watermark it was read at. */
export interface ReplayPage {
  json: string;
  watermark: string;
}

/**
 * One page of a session's committed records (docs/contract.md §4): `limit` events after `afterSeq` and the
 * seal(s) right after the last one. Read at one watermark and cut from the stored lines, so the same
 * question at the same watermark always gives the same bytes.
 */
export async function replayPage(deps: ReplayDeps, k: SessionKey, q: PageQuery): Promise<ReplayPage> {
  const watermark = await watermarkOf(deps);
  const end = await pageEnd(deps.db, k, q.afterSeq, q.limit, watermark);
  const lines = await readLines(deps.db, k, { afterSeq: q.afterSeq, upToSeq: end.upToSeq, watermark });
  if (lines.length === 0) await assertSessionExists(deps, k);
  const next = end.more ? end.upToSeq : null;
  const token = toVisibilityToken(watermark);
  // The lines are one JSON record each: the page's array is them joined by commas.
  const events = lines.length === 0 ? '' : lines.slice(0, -1).replaceAll('\n', ',');
  return {
    json: `{"events":[${events}],"next_after_seq":${next === null ? 'null' : next},"watermark":${JSON.stringify(token)}}`,
    watermark: token,
  };
}
