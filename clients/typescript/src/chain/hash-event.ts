import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { ClientEvent } from './types.js';

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The exact JCS text an event's hash is taken over (contract §2); only the named fields count. The
 * members are written in JCS order by hand so a caller that already has the payload's JCS text (the
 * committer stores it) canonicalizes the payload once, not twice.
 */
export function eventHashInput(
  table: string,
  sessionId: string,
  ev: Omit<ClientEvent, 'hash'>,
  payloadJcs: string = canonicalJson(ev.payload),
): string {
  return (
    `{"payload":${payloadJcs},"prev_hash":${canonicalJson(ev.prev_hash)},"seq":${canonicalJson(ev.seq)},` +
    `"session_id":${canonicalJson(sessionId)},"table":${canonicalJson(table)},"ts":${canonicalJson(ev.ts)},` +
    `"type":${canonicalJson(ev.type)},"v":1}`
  );
}

/** The `hash` of a client event: binds table, session, position, content and the previous hash. */
export function hashEvent(
  table: string,
  sessionId: string,
  ev: Omit<ClientEvent, 'hash'>,
  payloadJcs?: string,
): string {
  return sha256Hex(eventHashInput(table, sessionId, ev, payloadJcs));
}
