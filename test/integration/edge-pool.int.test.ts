import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, type ClientEvent } from '../../src/chain/index.js';
import { startPgServer, type PgServer } from '../support/pg-server.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const NDJSON = 'application/x-ndjson';
/** The production defaults (the test stack relaxes them for the shared machine). */
const DEADLINES = { CHAINLAKE_DB_TIMEOUT_MS: '500', CHAINLAKE_DB_ACQUIRE_TIMEOUT_MS: '2000' };

/** A chain whose payloads carry `pad` bytes each, so a replay is big enough to abort mid-stream. */
function paddedChain(
  table: string,
  session: string,
  from: number,
  count: number,
  prevHash: string,
  pad: number,
) {
  const events: ClientEvent[] = [];
  let prev = prevHash;
  for (let seq = from; seq < from + count; seq++) {
    const ev = {
      seq,
      type: 'llm.call',
      ts: '2026-01-30T12:00:00.000Z',
      payload: { n: seq, pad: 'p'.repeat(pad) },
      prev_hash: prev,
    };
    const full = { ...ev, hash: hashEvent(table, session, ev) };
    events.push(full);
    prev = full.hash;
  }
  return events;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

describe('no request pattern exhausts the database pool', () => {
  let stack: TestStack;
  let url: string;
  const EVENTS = 2000;
  beforeAll(async () => {
    stack = await startTestStack('edgepool', { env: DEADLINES });
    url = stack.running.url!;
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'big' } })).status).toBe(201);
    let prev = GENESIS_HASH;
    for (let from = 1; from <= EVENTS; from += 400) {
      const events = paddedChain('big', 's', from, 400, prev, 1000);
      prev = events.at(-1)!.hash;
      const res = await stack.request('/v1/ingest/big?wait_for_visibility=true', {
        method: 'POST',
        json: { session_id: 's', events },
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => stack?.stop());

  it('survives 50 HEAD NDJSON requests and 50 replays aborted mid-stream; /readyz and ingest then answer within 1 s', async () => {
    const path = `${url}/v1/tables/big/sessions/s/events`;
    const heads = await Promise.all(
      Array.from({ length: 50 }, () => fetch(path, { method: 'HEAD', headers: { accept: NDJSON } })),
    );
    for (const h of heads) {
      expect(h.status).toBe(200);
      expect(h.headers.get('chainlake-watermark')).toMatch(/^v1\./);
    }
    let aborted = 0;
    for (let i = 0; i < 50; i++) {
      const ac = new AbortController();
      const res = await fetch(path, { headers: { accept: NDJSON }, signal: ac.signal });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      ac.abort();
      await reader.read().catch(() => undefined);
      aborted++;
    }
    expect(aborted).toBe(50);

    const ready = await timed(() => fetch(`${url}/readyz`));
    expect(ready.value.status).toBe(200);
    expect(ready.ms).toBeLessThan(1000);
    const events = paddedChain('big', 'after', 1, 1, GENESIS_HASH, 10);
    const ingest = await timed(() =>
      fetch(`${url}/v1/ingest/big`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: 'after', events }),
      }),
    );
    expect(ingest.value.status).toBe(202);
    expect(ingest.ms).toBeLessThan(1000);
    // No connection of this database is left inside a statement, waiting for a reader.
    const stuck = async () =>
      (
        await stack.running.services.db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state = 'active' and wait_event = 'ClientRead'`
      )[0]!.n;
    const deadline = Date.now() + 5000;
    while ((await stuck()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await stuck()).toBe(0);
    // A whole replay still streams every record.
    const whole = await (await fetch(path, { headers: { accept: NDJSON } })).text();
    expect(whole.trim().split('\n').length).toBe(EVENTS + EVENTS / 400);
    console.log(
      `pool: 50 HEADs and ${aborted} aborted replays survived; /readyz ${ready.ms.toFixed(0)} ms, ingest ${ingest.ms.toFixed(0)} ms`,
    );
  });

  it('answers 503 + Retry-After: 2 within 2.5 s while Postgres is too slow (a held lock), then recovers', async () => {
    const lockHolder = postgres(stack.config.databaseUrl, { max: 1, onnotice: () => {} });
    const reserved = await lockHolder.reserve();
    try {
      await reserved`begin`;
      await reserved`lock table lake_tables in access exclusive mode`;
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => timed(() => fetch(`${url}/v1/tables`))),
      );
      for (const a of answers) {
        expect(a.value.status).toBe(503);
        expect(a.value.headers.get('retry-after')).toBe('2');
        expect(((await a.value.json()) as Json).code).toBe('unavailable');
        // 500 ms statement deadline; pipelined behind it, at most the 2 s client deadline.
        expect(a.ms).toBeLessThan(2500);
      }
    } finally {
      await reserved`rollback`;
      reserved.release();
      await lockHolder.end({ timeout: 1 });
    }
    expect((await fetch(`${url}/v1/tables`)).status).toBe(200);
  });
});

describe('an unreachable Postgres gives fast 503s', () => {
  let pg: PgServer;
  let stack: TestStack;
  beforeAll(async () => {
    pg = await startPgServer();
    stack = await startTestStack('edgepgdown', {
      roles: ['api'],
      env: { ...DEADLINES, DATABASE_URL: pg.url('chainlake_edge') },
    });
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 't' } })).status).toBe(201);
  });
  afterAll(async () => {
    await pg?.start().catch(() => undefined);
    await stack?.stop();
    await pg?.destroy();
  });

  it('answers reads, unknown-table ingest and /readyz within 1 s with 503 + Retry-After: 2 while Postgres is stopped', async () => {
    const url = stack.running.url!;
    await pg.stop();
    for (const path of ['/v1/tables', '/v1/tables/t/sessions/s', '/v1/tables/t/sessions/s/events']) {
      const { ms, value } = await timed(() => fetch(url + path));
      expect(value.status, path).toBe(503);
      expect(value.headers.get('retry-after'), path).toBe('2');
      expect(ms, path).toBeLessThan(1000);
    }
    const ingest = await timed(() =>
      fetch(`${url}/v1/ingest/unknown_now`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          session_id: 's',
          events: paddedChain('unknown_now', 's', 1, 1, GENESIS_HASH, 1),
        }),
      }),
    );
    expect(ingest.value.status).toBe(503);
    const why = ((await ingest.value.json()) as Json).detail;
    expect(ingest.value.headers.get('retry-after'), why).toBe('2');
    expect(ingest.ms).toBeLessThan(1000);
    const ready = await timed(() => fetch(`${url}/readyz`));
    expect(ready.value.status).toBe(503);
    expect(((await ready.value.json()) as Json).components.postgres.status).toBe('failing');
    expect(ready.ms).toBeLessThan(1000);
    await pg.start();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await fetch(`${url}/v1/tables`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
