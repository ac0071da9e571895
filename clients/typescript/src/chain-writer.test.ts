import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, type ClientEvent } from './chain/index.js';
import { ChainWriter, type ChainWriterOptions } from './chain-writer.js';
import { ChainConflictError, ChainRejectedError } from './errors.js';

interface Sent {
  url: string;
  body: { session_id: string; events: ClientEvent[]; idempotency_key: string };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const accepted = (events: ClientEvent[]) => {
  const last = events[events.length - 1]!;
  return json(202, {
    status: 'accepted',
    head: { seq: last.seq, hash: last.hash },
    visibility_token: 'v1.1',
  });
};

/** A stand-in for the HTTP transport only: answers come from `answer`, every ingest body is recorded. */
function stubFetch(answer: (body: Sent['body'], n: number) => Response | Promise<Response> = accepted_) {
  const sent: Sent[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Sent['body'];
    sent.push({ url, body });
    return answer(body, sent.length);
  }) as unknown as typeof globalThis.fetch;
  return { sent, fetch };
}
function accepted_(body: Sent['body']) {
  return accepted(body.events);
}

const opts = (
  fetch: typeof globalThis.fetch,
  extra: Partial<ChainWriterOptions> = {},
): ChainWriterOptions => ({
  baseUrl: 'http://chainlake.test/base',
  table: 'agent_events',
  sessionId: 's1',
  fetch,
  flushIntervalMs: 0,
  retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
  ...extra,
});

describe('ChainWriter', () => {
  it('hashes a linked chain and sends it in batches of maxBatch with deterministic keys', async () => {
    const { sent, fetch } = stubFetch();
    const writer = new ChainWriter(opts(fetch, { maxBatch: 3 }));
    for (let i = 0; i < 7; i++) await writer.append('llm.call', { i }, { ts: '2026-01-30T12:00:00Z' });
    await writer.close();
    expect(sent.map((s) => s.body.events.map((e) => e.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(sent[0]!.url).toBe('http://chainlake.test/base/v1/ingest/agent_events');
    const events = sent.flatMap((s) => s.body.events);
    events.forEach((e, i) => {
      expect(e.prev_hash).toBe(i === 0 ? GENESIS_HASH : events[i - 1]!.hash);
      expect(e.hash).toBe(hashEvent('agent_events', 's1', e));
    });
    expect(sent[0]!.body.idempotency_key).toBe(`s1:1-3:${events[2]!.hash.slice(0, 16)}`);
    expect(writer.pending).toEqual([]);
    await expect(writer.append('x', {})).rejects.toThrow(/closed/);
  });

  it('flushes a partial buffer after flushIntervalMs', async () => {
    const { sent, fetch } = stubFetch();
    const writer = new ChainWriter(opts(fetch, { flushIntervalMs: 20 }));
    await writer.append('prompt', { text: 'hi' });
    await writer.append('prompt', { text: 'again' });
    expect(sent).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent.map((s) => s.body.events.length)).toEqual([2]);
  });

  it('retries 503 and network failures with the same batch and key', async () => {
    const { sent, fetch } = stubFetch((body, n) => {
      if (n === 1)
        return json(503, { code: 'unavailable', status: 503, detail: 'later' }, { 'retry-after': '0' });
      if (n === 2) throw new TypeError('fetch failed');
      return accepted(body.events);
    });
    const writer = new ChainWriter(opts(fetch));
    await writer.append('tool.call', { tool: 'search' });
    await writer.flush();
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => JSON.stringify(s.body))).size).toBe(1);
    expect(writer.lastAnswer?.head.seq).toBe(1);
  });

  it('gives up after the bounded number of tries with a network_error', async () => {
    const { sent, fetch } = stubFetch(() => {
      throw new TypeError('fetch failed');
    });
    const writer = new ChainWriter(opts(fetch));
    await writer.append('a', {});
    await expect(writer.flush()).rejects.toMatchObject({
      name: 'ChainlakeError',
      status: 0,
      code: 'network_error',
    });
    expect(sent).toHaveLength(4);
    expect(writer.pending.map((e) => e.seq)).toEqual([1]);
  });

  it('throws typed errors: 400 ChainRejectedError, 409 ChainConflictError, and stays failed', async () => {
    const reject = stubFetch(() => json(400, { status: 400, code: 'hash_mismatch', detail: 'bad', seq: 1 }));
    const w1 = new ChainWriter(opts(reject.fetch));
    await w1.append('a', {});
    const err = await w1.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainRejectedError);
    expect(err).toMatchObject({ status: 400, code: 'hash_mismatch', seq: 1 });
    await expect(w1.append('b', {})).rejects.toBe(err);

    const head = { seq: 5, hash: 'c'.repeat(64) };
    const conflict = stubFetch(() =>
      json(409, { status: 409, code: 'sequence_conflict', detail: 'x', expected_seq: 6, head }),
    );
    const w2 = new ChainWriter(opts(conflict.fetch));
    await w2.append('a', {});
    const err2 = await w2.flush().catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ChainConflictError);
    expect(err2).toMatchObject({ expectedSeq: 6, head });
  });

  it('halves a batch the server answers 413 for', async () => {
    const { sent, fetch } = stubFetch((body) =>
      body.events.length > 2
        ? json(413, { status: 413, code: 'batch_too_large', detail: 'split' })
        : accepted(body.events),
    );
    const writer = new ChainWriter(opts(fetch, { maxBatch: 5 }));
    for (let i = 0; i < 5; i++) await writer.append('a', { i });
    await writer.close();
    const ok = sent.filter((s) => s.body.events.length <= 2).map((s) => s.body.events.map((e) => e.seq));
    expect(ok).toEqual([[1, 2], [3], [4, 5]]);
  });

  it('opens at genesis for a new session and after the accepted head for a known one', async () => {
    const head = { seq: 41, hash: 'd'.repeat(64) };
    for (const [status, body, expected] of [
      [404, { status: 404, code: 'session_not_found', detail: 'none' }, { seq: 0, hash: GENESIS_HASH }],
      [200, { accepted_head: head }, head],
    ] as const) {
      const fetch = (async () => json(status, body)) as unknown as typeof globalThis.fetch;
      const writer = await ChainWriter.open(opts(fetch));
      expect(writer.head).toEqual(expected);
    }
  });

  it('refuses a reserved type or a payload that is not a JSON object before changing the chain', async () => {
    const writer = new ChainWriter(opts(stubFetch().fetch));
    await expect(writer.append('CHAIN_SEAL', {})).rejects.toThrow(TypeError);
    await expect(writer.append('a', [] as unknown as Record<string, unknown>)).rejects.toThrow(TypeError);
    await expect(writer.append('a', { n: Number.NaN })).rejects.toThrow(TypeError);
    expect(writer.head.seq).toBe(0);
  });
});
