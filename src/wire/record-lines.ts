import type { ClientEvent } from '../chain/index.js';

/** One stored record as replay reads it back: from a batch's stored line, a Parquet row, or the log. */
export interface StoredRecord {
  seq: number;
  kind: 'event' | 'seal';
  type: string;
  ts: string;
  /** The exact JCS text: an event's payload, or the whole seal. */
  payload: string;
  prev_hash: string;
  hash: string;
  visibility_token: string;
}

const q = (s: string) => JSON.stringify(s);

/**
 * The replay line of an event (docs/contract.md §4) from its canonical parts. `payloadJcs` is trusted to be
 * the payload's JCS text (one line, an object), as ingest computed it.
 */
export function eventLine(
  table: string,
  sessionId: string,
  ev: Pick<ClientEvent, 'seq' | 'type' | 'ts' | 'prev_hash' | 'hash'>,
  payloadJcs: string,
  token: string,
): string {
  return (
    `{"table":${q(table)},"session_id":${q(sessionId)},"kind":"event","seq":${ev.seq},` +
    `"type":${q(ev.type)},"ts":${q(ev.ts)},"payload":${payloadJcs},` +
    `"prev_hash":${q(ev.prev_hash)},"hash":${q(ev.hash)},"status":"AUTHORITATIVE",` +
    `"visibility_token":${q(token)}}`
  );
}

/** The replay line of a seal: its JCS text with `kind` spliced in front, keeping the seal's bytes. */
export function sealLine(sealJcs: string): string {
  return `{"kind":"seal",${sealJcs.slice(1)}`;
}

/** The number of members when `text` is a JSON object on one line, else -1. */
function objectSize(text: string): number {
  // Raw line breaks can only be whitespace in valid JSON, but would split an NDJSON line.
  if (/[\r\n]/.test(text)) return -1;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return -1;
    return Object.keys(value).length;
  } catch {
    return -1;
  }
}

/**
 * The replay line of a record read back from storage that may have been altered (a Parquet row): a
 * payload that is no one-line JSON object is kept as a JSON string, so the line stays valid JSON and a
 * verifier reports the record instead of failing to read it. For intact records equal to eventLine/sealLine.
 */
export function recordText(table: string, sessionId: string, r: StoredRecord): string {
  const size = objectSize(r.payload);
  if (r.kind === 'seal') {
    if (size > 0) return sealLine(r.payload.trimStart());
    return `{"kind":"seal","table":${q(table)},"session_id":${q(sessionId)},"seq":${r.seq},"payload":${q(r.payload)}}`;
  }
  return eventLine(table, sessionId, r, size >= 0 ? r.payload : q(r.payload), r.visibility_token);
}
