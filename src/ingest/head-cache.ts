import type { SessionKey, SessionState } from './session-state.js';

/**
 * The heads this process appended last, so an ingest need not read back (and parse) the session's
 * previous batch from the log. A head may be stale when another process appended since: every verdict
 * that a stale head could change is judged again on the log's head (see ingestBatch).
 */
export class HeadCache {
  private readonly heads = new Map<string, SessionState>();

  constructor(private readonly maxSessions = 20_000) {}

  get(key: SessionKey): SessionState | undefined {
    return this.heads.get(id(key));
  }

  set(key: SessionKey, state: Omit<SessionState, 'lastBatch' | 'cached'>): void {
    const k = id(key);
    this.heads.delete(k); // re-insert at the end: the Map's order is then least recently written first
    if (this.heads.size >= this.maxSessions) this.heads.delete(this.heads.keys().next().value!);
    this.heads.set(k, { ...state, lastBatch: null, cached: true });
  }

  delete(key: SessionKey): void {
    this.heads.delete(id(key));
  }
}

const id = (k: SessionKey) => `${k.tenant}\u0000${k.table}\u0000${k.sessionId}`;
