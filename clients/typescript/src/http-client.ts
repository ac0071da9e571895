import { ChainlakeError, errorFromAnswer } from './errors.js';
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
  type RetryOptions,
  type RetryPolicy,
} from './retry-policy.js';

/** Where and how to reach a chainlake service. */
export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; not needed when the service runs with auth off. */
  apiKey?: string | undefined;
  /** Sent as `X-Tenant-ID` (with auth off it picks the tenant; with auth on it must match the key's). */
  tenant?: string | undefined;
  /** How long one try may take until its answer is read (default 30 s). */
  timeoutMs?: number | undefined;
  retry?: RetryOptions | undefined;
  /** A fetch implementation (default: the global fetch of Node 20). */
  fetch?: typeof fetch | undefined;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | undefined;
  json?: unknown;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  accept?: string | undefined;
  /** Added to the try's timeout when the server may hold the answer (wait_for_visibility). */
  extraTimeoutMs?: number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch with chainlake's headers, per-try timeouts, bounded retries and typed errors. */
export class HttpClient {
  private readonly retry: RetryPolicy;
  private readonly fetchFn: typeof fetch;

  constructor(readonly options: ClientOptions) {
    this.retry = retryPolicy(options.retry);
    this.fetchFn = options.fetch ?? globalThis.fetch;
  }

  /** A JSON answer; retries 429/502/503/504 and network failures, then throws a ChainlakeError. */
  async json<T>(path: string, call: CallOptions = {}): Promise<T> {
    const { text } = await this.send(path, call, true);
    return JSON.parse(text) as T;
  }

  /** The lines of a streamed answer (NDJSON); retried only until the answer starts. */
  async *lines(path: string, call: CallOptions = {}, idleTimeoutMs = 30_000): AsyncGenerator<string> {
    const { res, controller } = await this.send(path, call, false);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    try {
      for (;;) {
        const timer = setTimeout(() => controller.abort(new Error('no data')), idleTimeoutMs);
        const chunk = await reader.read().finally(() => clearTimeout(timer));
        if (chunk.done) break;
        const parts = (rest + chunk.value).split('\n');
        rest = parts.pop()!;
        for (const line of parts) if (line.trim() !== '') yield line;
      }
      if (rest.trim() !== '') yield rest;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  private async send(path: string, call: CallOptions, readBody: boolean) {
    const timeoutMs = (this.options.timeoutMs ?? 30_000) + (call.extraTimeoutMs ?? 0);
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      let res: Response;
      let text = '';
      try {
        res = await this.fetchFn(this.url(path, call.query), {
          method: call.method ?? 'GET',
          headers: this.headers(call),
          ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
          signal: controller.signal,
        });
        if (readBody || !res.ok) text = await res.text();
      } catch (err) {
        if (attempt < this.retry.attempts) {
          await sleep(backoffDelay(attempt, this.retry));
          continue;
        }
        const message = `no answer from ${this.options.baseUrl} after ${attempt} tries: ${(err as Error).message}`;
        throw new ChainlakeError(0, 'network_error', null, message, { cause: err });
      } finally {
        clearTimeout(timer);
      }
      if (res.ok) return { res, text, controller };
      if (isRetryableStatus(res.status) && attempt < this.retry.attempts) {
        await sleep(backoffDelay(attempt, this.retry, parseRetryAfter(res.headers.get('retry-after'))));
        continue;
      }
      throw errorFromAnswer(res.status, parseJson(text));
    }
  }

  private url(path: string, query: CallOptions['query'] = {}): string {
    // Relative to the base URL, so a base with a path prefix (behind a proxy) is kept.
    const url = new URL(path.replace(/^\/+/, ''), this.options.baseUrl.replace(/\/*$/, '/'));
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private headers(call: CallOptions): Record<string, string> {
    const h: Record<string, string> = { accept: call.accept ?? 'application/json' };
    if (call.json !== undefined) h['content-type'] = 'application/json';
    if (this.options.apiKey) h.authorization = `Bearer ${this.options.apiKey}`;
    if (this.options.tenant) h['x-tenant-id'] = this.options.tenant;
    return h;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
