import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { lakeCounts } from '../support/lake-check.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
let stack: TestStack;

beforeAll(async () => {
  // As `chainlake serve` runs it: api and committer in one process, the committer on its own thread.
  stack = await startTestStack('thread', { start: { committerThread: true } });
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
});
afterAll(() => stack?.stop());

describe('the committer thread', () => {
  it("commits what the api accepts, and its commits show in the main thread's metrics", async () => {
    const chain = makeTestChain(TABLE, 'threaded', 30);
    for (const [from, to] of [
      [0, 10],
      [10, 30],
    ] as const) {
      const res = await stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true&timeout_ms=20000`, {
        method: 'POST',
        json: { session_id: 'threaded', events: chain.slice(from, to) },
      });
      expect(res.status).toBe(200);
    }
    expect(await lakeCounts(stack, TABLE)).toEqual({
      postgres: 32,
      postgresDistinct: 32,
      parquet: 32,
      parquetDistinct: 32,
    });
    const text = await (await stack.request('/metrics')).text();
    expect(text).toMatch(/^chainlake_commit_rows_total 32$/m);
  });

  it('stops cleanly: a restart resumes committing', async () => {
    await stack.restart(['api', 'committer'], { committerThread: true });
    const res = await stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true&timeout_ms=20000`, {
      method: 'POST',
      json: { session_id: 'after-restart', events: makeTestChain(TABLE, 'after-restart', 5) },
    });
    expect(res.status).toBe(200);
  });
});
