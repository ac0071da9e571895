import { canonicalJson } from '../chain/index.js';
import { sealFields, type LogBody } from './log-body.js';
import { eventLine, sealLine } from './record-lines.js';

/** Where a log message belongs: its events subject's names. */
export interface BatchPlace {
  tenant: string;
  table: string;
  sessionId: string;
}

/** What one logged batch commits: its decoded body, and its records as replay lines. */
export interface BatchRecords extends BatchPlace, LogBody {
  visibilityToken: string;
  /** The seal's JCS text (docs/contract.md §3 fields only): the seal record's payload. */
  sealJcs: string;
  /** One replay line a record, events in seq order then the seal, each ending in "\n". */
  lines: string;
}

/**
 * The one mapping from a logged batch to its stored records, used by the committer (Postgres and
 * Parquet) and by replay from the log, so both give the same bytes.
 */
export function batchRecords(place: BatchPlace, visibilityToken: string, body: LogBody): BatchRecords {
  const sealJcs = canonicalJson(sealFields(body.seal));
  let lines = '';
  for (let i = 0; i < body.events.length; i++) {
    lines +=
      eventLine(place.table, place.sessionId, body.events[i]!, body.payloadJcs[i]!, visibilityToken) + '\n';
  }
  lines += sealLine(sealJcs) + '\n';
  return { ...place, ...body, visibilityToken, sealJcs, lines };
}
