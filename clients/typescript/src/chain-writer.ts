import { canonicalJson, GENESIS_HASH, hashEvent, sha256Hex } from './chain/index.js';
import { EVENT_TYPE_PATTERN } from './chain/names.js';
import { ChainlakeClient } from './client.js';
import { ChainlakeError } from './errors.js';
import type { ClientOptions } from './http-client.js';
import type { ClientEvent, Head, IngestAnswer } from './types.js';

export interface ChainWriterOptions extends ClientOptions {
  table: string;
  sessionId: string;
  /** Events per batch: a full buffer is sent at once (default 100, at most 1000). */
  maxBatch?: number | undefined;
  /** Send a non-empty buffer at the latest this long after its first event (default 1000; 0: never by time). */
  flushIntervalMs?: number | undefined;
  /** Hold each batch's answer until it is committed (true: up to 10 s, or the ms given). */
  waitForVisibility?: boolean | number | undefined;
  /** Told about a failed background (timed) flush; the next append, flush or close throws it too. */
  onError?: ((err: Error) => void) | undefined;
}

/**
 * Writes one session's hash chain: assigns seq, hashes each event, buffers, and sends batches in order
 * with deterministic idempotency keys, so retries and resends never duplicate. Not for concurrent writers.
 */
export class ChainWriter {
  readonly client: ChainlakeClient;
  /** The answer to the last batch the server acknowledged. */
  lastAnswer: IngestAnswer | null = null;
  private tail: Head;
  private buffer: ClientEvent[] = [];
  private unacked: ClientEvent[] = [];
  private sending: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly maxBatch: number;

  /** Resumes after the server's accepted head (a restart continues the chain); a new session starts at seq 1. */
  static async open(options: ChainWriterOptions): Promise<ChainWriter> {
    const client = new ChainlakeClient(options);
    const info = await client.session(options.table, options.sessionId);
    return new ChainWriter(options, info?.accepted_head ?? null, client);
  }

  constructor(
    readonly options: ChainWriterOptions,
    head: Head | null = null,
    client?: ChainlakeClient,
  ) {
    this.client = client ?? new ChainlakeClient(options);
    this.tail = head ?? { seq: 0, hash: GENESIS_HASH };
    this.maxBatch = Math.min(1000, Math.max(1, options.maxBatch ?? 100));
  }

  /** The last appended event's seq and hash (seq 0 before the first). */
  get head(): Head {
    return { ...this.tail };
  }

  /** Events appended but not acknowledged by the server yet, oldest first. */
  get pending(): readonly ClientEvent[] {
    return [...this.unacked];
  }

  /** Adds an event to the chain; resolves once it is buffered, or sent when it filled the buffer. */
  async append(
    type: string,
    payload: Record<string, unknown>,
    opts: { ts?: string | Date | undefined } = {},
  ) {
    this.assertUsable();
    if (!EVENT_TYPE_PATTERN.test(type) || type === 'CHAIN_SEAL')
      throw new TypeError(`invalid event type "${type}"`);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new TypeError('payload must be a JSON object');
    // A private copy: what is hashed is what is sent, even if the caller mutates the object afterwards.
    const copy = JSON.parse(canonicalJson(payload)) as Record<string, unknown>;
    const ts = opts.ts instanceof Date ? opts.ts.toISOString() : (opts.ts ?? new Date().toISOString());
    const body = { seq: this.tail.seq + 1, type, ts, payload: copy, prev_hash: this.tail.hash };
    const event: ClientEvent = { ...body, hash: hashEvent(this.options.table, this.options.sessionId, body) };
    this.tail = { seq: event.seq, hash: event.hash };
    this.buffer.push(event);
    this.unacked.push(event);
    if (this.buffer.length >= this.maxBatch) await this.flush();
    else if (this.buffer.length === 1 && (this.options.flushIntervalMs ?? 1000) > 0) this.schedule();
    return event;
  }

  /** Sends everything buffered; resolves when every batch so far is acknowledged. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.buffer.splice(0);
    if (events.length > 0) this.sending = this.sending.then(() => this.sendAll(events));
    return this.sending.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** Flushes and stops; the writer takes no more events. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
    }
  }

  /** Waits until the last acknowledged batch is committed; false when `timeoutMs` passes first. */
  async waitVisible(timeoutMs = 10_000): Promise<boolean> {
    await this.flush();
    return this.lastAnswer ? this.client.waitVisible(this.lastAnswer.visibility_token, timeoutMs) : true;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => undefined);
    }, this.options.flushIntervalMs ?? 1000);
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the ChainWriter is closed');
  }

  private async sendAll(events: ClientEvent[]): Promise<void> {
    for (let i = 0; i < events.length && !this.failure; i += this.maxBatch) {
      try {
        await this.send(events.slice(i, i + this.maxBatch));
      } catch (err) {
        this.failure = err as Error;
        this.options.onError?.(this.failure);
      }
    }
  }

  /** One batch; a 413 halves it, since the limit (bytes or NATS max_payload) is the server's to know. */
  private async send(events: ClientEvent[]): Promise<void> {
    try {
      const answer = await this.client.ingest(
        this.options.table,
        { session_id: this.options.sessionId, events, idempotency_key: this.idempotencyKey(events) },
        { waitForVisibility: this.options.waitForVisibility },
      );
      this.lastAnswer = answer;
      this.unacked = this.unacked.filter((e) => e.seq > answer.head.seq);
    } catch (err) {
      if (!(err instanceof ChainlakeError && err.status === 413 && events.length > 1)) throw err;
      const half = Math.ceil(events.length / 2);
      await this.send(events.slice(0, half));
      await this.send(events.slice(half));
    }
  }

  /** The same batch always gets the same key; different events in the same range never share one. */
  private idempotencyKey(events: ClientEvent[]): string {
    const first = events[0]!;
    const last = events[events.length - 1]!;
    const range = `${first.seq}-${last.seq}:${last.hash.slice(0, 16)}`;
    const key = `${this.options.sessionId}:${range}`;
    return key.length <= 128 ? key : `h${sha256Hex(this.options.sessionId).slice(0, 32)}:${range}`;
  }
}
