import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChainConflictError,
  ChainlakeClient,
  ChainRejectedError,
  ChainWriter,
  verifyRecords,
  type ChainWriterOptions,
  type ReplayRecord,
} from '../src/index.js';
import { makeTestChain } from '../../../src/chain/make-test-chain.js';
import { startTestStack, type TestStack } from '../../../test/support/test-stack.js';

const TABLE = 'agent_events';
let stack: TestStack;
let client: ChainlakeClient;

const options = (sessionId: string, extra: Partial<ChainWriterOptions> = {}): ChainWriterOptions => ({
  baseUrl: stack.running.url!,
  table: TABLE,
  sessionId,
  flushIntervalMs: 0,
  ...extra,
});

async function collect(records: AsyncIterable<ReplayRecord>): Promise<ReplayRecord[]> {
  const all: ReplayRecord[] = [];
  for await (const r of records) all.push(r);
  return all;
}

/** Event count of a committed session, after waiting for the writer's last batch to be visible. */
async function committedEvents(writer: ChainWriter): Promise<number> {
  expect(await writer.waitVisible(15_000)).toBe(true);
  return (await client.session(TABLE, writer.options.sessionId))!.event_count;
}

beforeAll(async () => {
  stack = await startTestStack('sdk', { roles: ['api', 'committer'] });
  client = new ChainlakeClient({ baseUrl: stack.running.url! });
  const res = await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } });
  expect(res.status).toBe(201);
});
afterAll(() => stack?.stop());

describe('the TypeScript SDK against a running chainlake', () => {
  it('writes a session, waits until it is visible, replays it and verifies it offline', async () => {
    const writer = await ChainWriter.open(options('golden', { maxBatch: 10 }));
    expect(writer.head.seq).toBe(0);
    for (let i = 0; i < 25; i++) {
      await writer.append(i % 2 ? 'llm.call' : 'tool.call', { i, text: `step ${i}`, ok: i % 3 === 0 });
    }
    await writer.close();
    expect(writer.pending).toEqual([]);
    expect(await committedEvents(writer)).toBe(25);

    const records = await collect(client.replay(TABLE, 'golden', { pageSize: 7 }));
    expect(records.filter((r) => r.kind === 'seal').map((r) => r.seq)).toEqual([10, 20, 25]);
    expect(await collect(client.replay(TABLE, 'golden', { format: 'ndjson' }))).toEqual(records);
    expect(verifyRecords(records, await client.keys())).toEqual({
      valid: true,
      checked_events: 25,
      checked_seals: 3,
      errors: [],
    });
    expect(await client.verify(TABLE, 'golden')).toMatchObject({ valid: true, checked_events: 25 });
  });

  it('resumes from the server head after a crash: a new writer continues the chain', async () => {
    const first = await ChainWriter.open(options('resume', { maxBatch: 10 }));
    for (let i = 0; i < 12; i++) await first.append('prompt', { i });
    // "Crash": events 11 and 12 were only buffered and are lost with the process.
    expect(first.pending.map((e) => e.seq)).toEqual([11, 12]);

    const second = await ChainWriter.open(options('resume'));
    expect(second.head).toEqual({ seq: 10, hash: first.lastAnswer!.head.hash });
    for (let i = 0; i < 5; i++) await second.append('prompt', { i, after: 'restart' });
    await second.close();
    expect(await committedEvents(second)).toBe(15);
    const records = await collect(client.replay(TABLE, 'resume'));
    expect(verifyRecords(records, await client.keys())).toMatchObject({ valid: true, checked_events: 15 });
  });

  it('does not duplicate when a response is lost and the batch is retried', async () => {
    let posts = 0;
    // The request reaches the server, but its answer never reaches the writer (e.g. a timeout).
    const losingFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(url, init);
      if (init?.method === 'POST' && posts++ === 0) throw new TypeError('socket hang up');
      return res;
    }) as typeof fetch;
    const logBefore = await stack.logCount();
    const writer = new ChainWriter(options('retry', { fetch: losingFetch, retry: { baseDelayMs: 5 } }));
    for (let i = 0; i < 5; i++) await writer.append('tool.result', { i });
    await writer.flush();
    expect(posts).toBe(2);
    expect(writer.lastAnswer).toMatchObject({ status: 'duplicate', head: { seq: 5 } });
    expect(await stack.logCount()).toBe(logBefore + 1);
    expect(await committedEvents(writer)).toBe(5);

    const events = makeTestChain(TABLE, 'retry-twice', 3);
    const once = await client.ingest(TABLE, { session_id: 'retry-twice', events, idempotency_key: 'k1' });
    const twice = await client.ingest(TABLE, { session_id: 'retry-twice', events, idempotency_key: 'k1' });
    expect([once.status, twice.status]).toEqual(['accepted', 'duplicate']);
    expect(twice.visibility_token).toBe(once.visibility_token);
    expect(await stack.logCount()).toBe(logBefore + 2);
  });

  it('throws ChainRejectedError for a tampered batch and ChainConflictError for a stale writer', async () => {
    const events = makeTestChain(TABLE, 'typed', 3);
    events[1] = { ...events[1]!, payload: { tampered: true } };
    const rejected = await client.ingest(TABLE, { session_id: 'typed', events }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ChainRejectedError);
    expect(rejected).toMatchObject({ status: 400, code: 'hash_mismatch', seq: 2 });

    const stale = new ChainWriter(options('resume'));
    await stale.append('prompt', { other: 'history' });
    const conflict = await stale.flush().catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ChainConflictError);
    expect(conflict).toMatchObject({ status: 409, code: 'sequence_conflict', expectedSeq: 16 });
  });

  it('waits for visibility on ingest when asked', async () => {
    const writer = new ChainWriter(options('visible', { waitForVisibility: 15_000 }));
    await writer.append('prompt', { text: 'hello' });
    await writer.flush();
    expect(writer.lastAnswer).toMatchObject({ status: 'visible', visible: true });
  });
});
