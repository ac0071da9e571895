import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  hashEvent,
  keysFromJwks,
  verifySeal,
  type ClientEvent,
} from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { createLog } from '../../src/log.js';
import { startServer } from '../../src/server/main.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let stack: TestStack;

/** Asserts that nothing was written: the log's message count and the database's rows are unchanged. */
async function expectNothingWritten(action: () => Promise<Response>) {
  const [logBefore, keysBefore] = [await stack.logCount(), await stack.rowCount('idempotency_keys')];
  const res = await action();
  expect(await stack.logCount()).toBe(logBefore);
  expect(await stack.rowCount('idempotency_keys')).toBe(keysBefore);
  return res;
}

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(res.status);
  for (const k of ['type', 'title', 'code', 'detail']) expect(typeof body[k]).toBe('string');
  return body;
}

const ingest = (session: string, events: ClientEvent[], extra: Record<string, unknown> = {}, query = '') =>
  stack.request(`/v1/ingest/${TABLE}${query}`, {
    method: 'POST',
    json: { session_id: session, events, ...extra },
  });

beforeAll(async () => {
  stack = await startTestStack('ingest', { roles: ['api'] });
  const res = await stack.request('/v1/tables', {
    method: 'POST',
    json: {
      name: TABLE,
      columns: [
        { name: 'n', type: 'int64', required: true },
        { name: 'text', type: 'string' },
      ],
    },
  });
  expect(res.status).toBe(201);
});
afterAll(() => stack?.stop());

describe('POST /v1/ingest/{table}', () => {
  it('accepts a 250-event chain in three batches with heads and seals that verify', async () => {
    const chain = makeTestChain(TABLE, 's-250', 250);
    const jwks = (await (await stack.request('/v1/keys')).json()) as Json;
    const keys = keysFromJwks(jwks);
    let prevSealHash = GENESIS_HASH;
    for (const [from, to] of [
      [0, 100],
      [100, 200],
      [200, 250],
    ] as const) {
      const res = await ingest('s-250', chain.slice(from, to));
      expect(res.status).toBe(202);
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({
        status: 'accepted',
        table: TABLE,
        session_id: 's-250',
        accepted_count: to - from,
        duplicate_count: 0,
        head: { seq: to, hash: chain[to - 1]!.hash },
        visible: false,
      });
      expect(body.seal).toMatchObject({
        type: 'CHAIN_SEAL',
        tenant: 'default',
        from_seq: from + 1,
        seq: to,
        prev_seal_hash: prevSealHash,
      });
      expect(verifySeal(body.seal, keys)).toEqual({ ok: true });
      expect(typeof body.visibility_token).toBe('string');
      prevSealHash = body.seal.hash;
    }
    const info = (await (await stack.request(`/v1/tables/${TABLE}/sessions/s-250`)).json()) as Json;
    expect(info.accepted_head).toEqual({ seq: 250, hash: chain[249]!.hash });
  });

  it('answers 200 duplicate with the original token and seal for identical events re-sent', async () => {
    const chain = makeTestChain(TABLE, 's-dup', 10);
    const first = (await (await ingest('s-dup', chain)).json()) as Json;
    const res = await expectNothingWritten(() => ingest('s-dup', chain));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'duplicate',
      accepted_count: 0,
      duplicate_count: 10,
      seal: first.seal,
      visibility_token: first.visibility_token,
      head: first.head,
    });
  });

  it('accepts only the new part of a batch that overlaps the head', async () => {
    const chain = makeTestChain(TABLE, 's-overlap', 20);
    await ingest('s-overlap', chain.slice(0, 10));
    const res = await ingest('s-overlap', chain.slice(5, 20));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted_count: 10, duplicate_count: 5, head: { seq: 20 } });
    // A batch entirely inside the accepted range, not ending at the head, is a duplicate too.
    const inner = await ingest('s-overlap', chain.slice(2, 8));
    expect(inner.status).toBe(200);
    expect(await inner.json()).toMatchObject({ status: 'duplicate', duplicate_count: 6, head: { seq: 10 } });
  });

  it('replays the original answer for an idempotency key, and refuses the key for other events', async () => {
    const chain = makeTestChain(TABLE, 's-idem', 5);
    const first = await ingest('s-idem', chain, { idempotency_key: 'k-1' });
    expect(first.status).toBe(202);
    const original = (await first.json()) as Json;
    const again = await expectNothingWritten(() => ingest('s-idem', chain, { idempotency_key: 'k-1' }));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      status: 'duplicate',
      seal: original.seal,
      visibility_token: original.visibility_token,
    });
    const other = makeTestChain(TABLE, 's-idem-2', 3);
    const reused = await expectNothingWritten(() => ingest('s-idem-2', other, { idempotency_key: 'k-1' }));
    expect(reused.status).toBe(409);
    // Contract v1.1: with expected_seq and head of the session named in the refused body.
    expect(await problemOf(reused)).toMatchObject({
      code: 'idempotency_key_reused',
      expected_seq: 1,
      head: null,
    });
    const onKnown = await expectNothingWritten(() =>
      ingest('s-idem', makeTestChain(TABLE, 's-idem', 7).slice(5), { idempotency_key: 'k-1' }),
    );
    expect(await problemOf(onKnown)).toMatchObject({
      code: 'idempotency_key_reused',
      expected_seq: 6,
      head: { seq: 5, hash: chain[4]!.hash },
    });
  });

  it('answers 409 sequence_conflict with head null when event 1 of a new session does not link to 64 zeros', async () => {
    const bad = { ...makeTestChain(TABLE, 's-genesis', 1)[0]!, prev_hash: 'b'.repeat(64) };
    const res = await expectNothingWritten(() =>
      ingest('s-genesis', [{ ...bad, hash: hashEvent(TABLE, 's-genesis', bad) }]),
    );
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toMatchObject({
      code: 'sequence_conflict',
      seq: 1,
      expected_seq: 1,
      head: null,
    });
  });

  it('answers 400 hash_mismatch for a tampered event and writes nothing', async () => {
    const chain = makeTestChain(TABLE, 's-tamper', 5);
    chain[2] = { ...chain[2]!, payload: { n: 3, text: 'tampered' } };
    const res = await expectNothingWritten(() => ingest('s-tamper', chain));
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({ code: 'hash_mismatch', seq: 3 });
  });

  it('answers 400 broken_link when prev_hash does not link inside the batch', async () => {
    const chain = makeTestChain(TABLE, 's-link', 5);
    const bad = { ...chain[3]!, prev_hash: 'a'.repeat(64) };
    chain[3] = { ...bad, hash: hashEvent(TABLE, 's-link', bad) };
    const res = await expectNothingWritten(() => ingest('s-link', chain));
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toMatchObject({ code: 'broken_link', seq: 4 });
  });

  it('answers 409 sequence_gap and sequence_conflict with expected_seq and head', async () => {
    const chain = makeTestChain(TABLE, 's-gap', 10);
    await ingest('s-gap', chain.slice(0, 3));
    const gap = await expectNothingWritten(() => ingest('s-gap', chain.slice(5, 10)));
    expect(gap.status).toBe(409);
    expect(await problemOf(gap)).toMatchObject({
      code: 'sequence_gap',
      expected_seq: 4,
      head: { seq: 3, hash: chain[2]!.hash },
    });

    const fork = makeTestChain(TABLE, 's-gap', 2, { seq: 3, hash: 'b'.repeat(64) });
    const conflict = await expectNothingWritten(() => ingest('s-gap', fork));
    expect(conflict.status).toBe(409);
    expect(await problemOf(conflict)).toMatchObject({ code: 'sequence_conflict', expected_seq: 4 });

    const rewritten = makeTestChain(TABLE, 's-gap', 3).map((e) => ({ ...e }));
    const other = makeTestChain(TABLE, 's-gap-other', 3);
    void other;
    rewritten[1] = { ...rewritten[1]!, ts: '2026-02-01T00:00:00Z' };
    rewritten[1] = { ...rewritten[1]!, hash: hashEvent(TABLE, 's-gap', rewritten[1]!) };
    rewritten[2] = { ...rewritten[2]!, prev_hash: rewritten[1]!.hash };
    rewritten[2] = { ...rewritten[2]!, hash: hashEvent(TABLE, 's-gap', rewritten[2]!) };
    const history = await expectNothingWritten(() => ingest('s-gap', rewritten));
    expect(history.status).toBe(409);
    expect((await problemOf(history)).code).toBe('sequence_conflict');
  });

  it('gives exactly one 202 when 12 writers race on one head', async () => {
    const base = makeTestChain(TABLE, 's-race', 1);
    await ingest('s-race', base);
    const forks = Array.from({ length: 12 }, (_, i) => {
      const ev = {
        seq: 2,
        type: 'fork',
        ts: '2026-01-30T12:00:00Z',
        payload: { n: i },
        prev_hash: base[0]!.hash,
      };
      return [{ ...ev, hash: hashEvent(TABLE, 's-race', ev) }];
    });
    const before = await stack.logCount();
    const answers = await Promise.all(forks.map((f) => ingest('s-race', f)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(['concurrent_append', 'sequence_conflict']).toContain((await problemOf(a)).code);
    }
    expect(await stack.logCount()).toBe(before + 1);
  });

  it('answers 400 invalid_request with errors for schema and column type violations', async () => {
    const cases: unknown[] = [
      { session_id: 'bad.session', events: makeTestChain(TABLE, 'x', 1) },
      { session_id: 's', events: [] },
      { session_id: 's', events: [{ ...makeTestChain(TABLE, 's', 1)[0], extra: 1 }] },
      { session_id: 's', events: [{ ...makeTestChain(TABLE, 's', 1)[0], type: 'CHAIN_SEAL' }] },
      { session_id: 's', events: [{ ...makeTestChain(TABLE, 's', 1)[0], hash: 'ABC' }] },
      { session_id: 's', events: [{ ...makeTestChain(TABLE, 's', 1)[0], ts: '2026-01-30 12:00' }] },
      { session_id: 's', events: makeTestChain(TABLE, 's', 3).filter((e) => e.seq !== 2) },
      { session_id: 's', events: makeTestChain(TABLE, 's', 1), unknown: true },
      [],
      null,
    ];
    for (const body of cases) {
      const res = await expectNothingWritten(() =>
        stack.request(`/v1/ingest/${TABLE}`, { method: 'POST', json: body }),
      );
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe('invalid_request');
      expect(Array.isArray(problem.errors)).toBe(true);
    }
    const ev = {
      seq: 1,
      type: 't',
      ts: '2026-01-30T12:00:00Z',
      payload: { n: 'not a number' },
      prev_hash: GENESIS_HASH,
    };
    const typed = await expectNothingWritten(() =>
      ingest('s-typed', [{ ...ev, hash: hashEvent(TABLE, 's-typed', ev) }]),
    );
    expect(typed.status).toBe(400);
    expect((await problemOf(typed)).errors).toEqual([
      expect.objectContaining({ path: '/events/0/payload/n' }),
    ]);
  });

  it('answers 413, 415, 404 and malformed JSON as problems, never 5xx', async () => {
    const tooMany = makeTestChain(TABLE, 's-many', 1001);
    const many = await expectNothingWritten(() => ingest('s-many', tooMany));
    expect(many.status).toBe(413);
    expect((await problemOf(many)).code).toBe('batch_too_large');

    const text = await stack.request(`/v1/ingest/${TABLE}`, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const bad = await stack.request(`/v1/ingest/${TABLE}`, {
      method: 'POST',
      body: '{"session_id":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).code).toBe('invalid_request');
    const missing = await stack.request('/v1/ingest/no_such_table', {
      method: 'POST',
      json: { session_id: 's', events: makeTestChain('no_such_table', 's', 1) },
    });
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe('table_not_found');
  });

  it('answers 413 when the sealed batch exceeds the server max_payload', async () => {
    const big = 'x'.repeat(200 * 1024);
    const events: ClientEvent[] = [];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 6; seq++) {
      const ev = {
        seq,
        type: 't',
        ts: '2026-01-30T12:00:00Z',
        payload: { n: seq, blob: big },
        prev_hash: prev,
      };
      const full = { ...ev, hash: hashEvent(TABLE, 's-huge', ev) };
      events.push(full);
      prev = full.hash;
    }
    const res = await expectNothingWritten(() => ingest('s-huge', events));
    expect(res.status).toBe(413);
    expect((await problemOf(res)).detail).toMatch(/max_payload/);
  });

  it('keeps heads right when two processes append to one session in turn', async () => {
    const other = await startServer(stack.config, ['api'], { log: createLog('error') });
    try {
      const chain = makeTestChain(TABLE, 's-two', 40);
      const via = [
        stack.request.bind(stack),
        (path: string, init: { method: string; json: unknown }) =>
          Promise.resolve(
            other.app!.request(path, {
              method: init.method,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(init.json),
            }),
          ),
      ];
      for (let i = 0; i < 4; i++) {
        // Each process's cached head is stale every other turn: the answer must not be.
        const res = await via[i % 2]!(`/v1/ingest/${TABLE}`, {
          method: 'POST',
          json: { session_id: 's-two', events: chain.slice(i * 10, i * 10 + 10) },
        });
        expect(res.status).toBe(202);
        expect(((await res.json()) as Json).head.seq).toBe(i * 10 + 10);
      }
      // A re-send through the stale process is still a duplicate, and a fork still a conflict.
      const again = await via[1]!(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        json: { session_id: 's-two', events: chain.slice(30, 40) },
      });
      expect(again.status).toBe(200);
      const fork = makeTestChain(TABLE, 's-two', 1, { seq: 40, hash: 'c'.repeat(64) });
      const conflict = await via[0]!(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        json: { session_id: 's-two', events: fork },
      });
      expect(conflict.status).toBe(409);
      expect(((await conflict.json()) as Json).head).toEqual({ seq: 40, hash: chain[39]!.hash });
    } finally {
      await other.stop();
    }
  });
});
