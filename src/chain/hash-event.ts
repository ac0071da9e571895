import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { ClientEvent } from './types.js';

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The exact JCS text an event's hash is taken over (contract §2); only the named fields count. */
export function eventHashInput(table: string, sessionId: string, ev: Omit<ClientEvent, 'hash'>): string {
  return canonicalJson({
    v: 1,
    table,
    session_id: sessionId,
    seq: ev.seq,
    type: ev.type,
    ts: ev.ts,
    payload: ev.payload,
    prev_hash: ev.prev_hash,
  });
}

/** The `hash` of a client event: binds table, session, position, content and the previous hash. */
export function hashEvent(table: string, sessionId: string, ev: Omit<ClientEvent, 'hash'>): string {
  return sha256Hex(eventHashInput(table, sessionId, ev));
}
