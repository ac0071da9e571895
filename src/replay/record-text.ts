/** One stored record as Postgres holds it (src/db/schema.ts `records`), or as rebuilt from the log. */
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
 * The replay record of contract §4 as JSON text, built from the stored JCS text so the same row always
 * gives the same bytes. A payload that is no one-line JSON object (altered in storage) is kept as a JSON
 * string, so the line stays valid JSON and a verifier reports the record instead of failing to read it.
 */
export function recordText(table: string, sessionId: string, r: StoredRecord): string {
  const size = objectSize(r.payload);
  if (r.kind === 'seal') {
    // The stored JCS text starts with "{": splicing keeps its exact bytes and member order.
    if (size > 0) return `{"kind":"seal",${r.payload.trimStart().slice(1)}`;
    return `{"kind":"seal","table":${q(table)},"session_id":${q(sessionId)},"seq":${r.seq},"payload":${q(r.payload)}}`;
  }
  return (
    `{"table":${q(table)},"session_id":${q(sessionId)},"kind":"event","seq":${r.seq},` +
    `"type":${q(r.type)},"ts":${q(r.ts)},"payload":${size >= 0 ? r.payload : q(r.payload)},` +
    `"prev_hash":${q(r.prev_hash)},"hash":${q(r.hash)},"status":"AUTHORITATIVE",` +
    `"visibility_token":${q(r.visibility_token)}}`
  );
}
