import type { ChainReport } from './chain/index.js';
import { ChainlakeError } from './errors.js';
import { HttpClient, type ClientOptions } from './http-client.js';
import { readReplay, type ReplayOptions } from './replay-reader.js';
import type { IngestAnswer, IngestBody, Jwks, ReplayRecord, SessionInfo, TableDefinition } from './types.js';

export interface IngestOptions {
  /** Hold the answer until the batch is committed (or this many ms pass; default 10 000). */
  waitForVisibility?: boolean | number | undefined;
}

const seg = encodeURIComponent;

/** The chainlake HTTP API, one method per call; every method retries what is safe to retry. */
export class ChainlakeClient {
  readonly http: HttpClient;

  constructor(options: ClientOptions) {
    this.http = new HttpClient(options);
  }

  /** `POST /v1/ingest/{table}`: safe to retry, since batches are deduplicated by key and by hash. */
  ingest(table: string, body: IngestBody, opts: IngestOptions = {}): Promise<IngestAnswer> {
    const wait = opts.waitForVisibility;
    const waitMs = wait === undefined || wait === false ? undefined : wait === true ? 10_000 : wait;
    return this.http.json<IngestAnswer>(`/v1/ingest/${seg(table)}`, {
      method: 'POST',
      json: body,
      query: waitMs === undefined ? {} : { wait_for_visibility: true, timeout_ms: waitMs },
      extraTimeoutMs: waitMs,
    });
  }

  /** Creates a table (role admin); false when it exists already. */
  async createTable(definition: TableDefinition): Promise<boolean> {
    try {
      await this.http.json('/v1/tables', { method: 'POST', json: definition });
      return true;
    } catch (err) {
      if (err instanceof ChainlakeError && err.code === 'table_exists') return false;
      throw err;
    }
  }

  /** A session's heads and counts, or null when the service has never accepted an event of it. */
  async session(table: string, sessionId: string): Promise<SessionInfo | null> {
    try {
      return await this.http.json<SessionInfo>(`/v1/tables/${seg(table)}/sessions/${seg(sessionId)}`);
    } catch (err) {
      if (err instanceof ChainlakeError && err.code === 'session_not_found') return null;
      throw err;
    }
  }

  /** The seal public keys (JWKS), rotated-out keys included. */
  keys(): Promise<Jwks> {
    return this.http.json<Jwks>('/v1/keys');
  }

  visibility(token: string): Promise<{ visible: boolean; watermark: string }> {
    return this.http.json(`/v1/visibility/${seg(token)}`);
  }

  /** Polls until the batch behind `token` is committed; false when `timeoutMs` passes first. */
  async waitVisible(token: string, timeoutMs = 10_000, pollMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.visibility(token)).visible) return true;
      if (Date.now() + pollMs > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** The server's verification of a committed session. */
  verify(table: string, sessionId: string): Promise<ChainReport> {
    return this.http.json<ChainReport>(`/v1/tables/${seg(table)}/sessions/${seg(sessionId)}/verify`);
  }

  /** A session's committed records in stored order, page by page or as one NDJSON stream. */
  replay(table: string, sessionId: string, opts: ReplayOptions = {}): AsyncGenerator<ReplayRecord> {
    return readReplay(this.http, table, sessionId, opts);
  }
}
