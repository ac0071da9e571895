import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, ensureStreams } from '../../src/bus/index.js';
import { freePort, waitForPort } from '../support/ports.js';
import { hashEvent, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { readLastBatch } from '../../src/bus/index.js';
import { readWatermark } from '../../src/lake/index.js';
import { purgeCommitted } from '../../src/retention/index.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'retained';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let stack: TestStack;

const ingest = (
  session: string,
  events: ClientEvent[],
  extra: Record<string, unknown> = {},
  visible = true,
) =>
  stack.request(`/v1/ingest/${TABLE}${visible ? '?wait_for_visibility=true&timeout_ms=15000' : ''}`, {
    method: 'POST',
    json: { session_id: session, events, ...extra },
  });

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const streamState = async () => (await stack.bus.jsm.streams.info(stack.bus.names.eventsStream)).state;
const watermark = async () =>
  (await readWatermark(stack.running.services.db, stack.bus.names.eventsStream)).seq;
const allCommittedPurged = async () => {
  const [state, wm] = await Promise.all([streamState(), watermark()]);
  return state.first_seq > wm;
};

beforeAll(async () => {
  // A retention of 1 s: the committer's retention loop purges committed messages within ~2 s.
  stack = await startTestStack('retention', { env: { CHAINLAKE_LOG_RETENTION: '1s' } });
  const res = await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE, columns: [] } });
  expect(res.status).toBe(201);
});
afterAll(() => stack?.stop());

describe('CHAINLAKE_LOG_RETENTION', () => {
  it('creates the streams without a byte reservation when CHAINLAKE_STREAM_MAX_BYTES is unset', async () => {
    const s = await startTestStack('retnocap', { env: { CHAINLAKE_STREAM_MAX_BYTES: '' } });
    try {
      for (const name of [s.bus.names.eventsStream, s.bus.names.rawStream]) {
        const info = await s.bus.jsm.streams.info(name);
        expect(info.config.max_bytes).toBe(-1);
        expect(info.config.max_age).toBe(0);
      }
    } finally {
      await s.stop();
    }
  });

  it('starts on a server with little JetStream storage; a cap it cannot reserve names CHAINLAKE_STREAM_MAX_BYTES', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainlake-smallnats-'));
    const port = await freePort();
    await writeFile(join(dir, 'nats.conf'), `jetstream { store_dir: "${dir}/js", max_file_store: 16MB }\n`);
    const server = spawn(
      '/usr/sbin/nats-server',
      ['-a', '127.0.0.1', '-p', String(port), '-c', join(dir, 'nats.conf')],
      { stdio: 'ignore' },
    );
    try {
      await waitForPort(port, 10_000, 'the small nats-server');
      const bus = await connectBus({ url: `nats://127.0.0.1:${port}`, prefix: 'small' });
      try {
        await ensureStreams(bus, { replicas: 1, dedupWindowMs: 120_000 });
        await bus.jsm.streams.delete(bus.names.rawStream);
        await bus.jsm.streams.delete(bus.names.eventsStream);
        const err = await ensureStreams(bus, {
          replicas: 1,
          dedupWindowMs: 120_000,
          maxBytes: 64 * 1024 * 1024,
        }).then(
          () => null,
          (e: Error) => e,
        );
        expect(err?.message).toMatch(/CHAINLAKE_STREAM_MAX_BYTES is 67108864/);
        expect(err?.message).toMatch(/insufficient storage/i);
      } finally {
        await bus.close();
      }
    } finally {
      server.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('purges committed messages older than the retention, up to the watermark', async () => {
    const chain = makeTestChain(TABLE, 's-old', 30);
    for (let i = 0; i < 3; i++) {
      const res = await ingest('s-old', chain.slice(i * 10, i * 10 + 10));
      expect(((await res.json()) as Json).status).toBe('visible');
    }
    const wm = await watermark();
    expect(wm).toBeGreaterThanOrEqual(3);
    await waitUntil('the committed messages are purged', allCommittedPurged);
    const state = await streamState();
    expect(state.first_seq).toBe(wm + 1);
    expect(state.messages).toBe(state.last_seq - wm);
    const metrics = (await stack.running.services.metrics.text()).body;
    expect(metrics).toMatch(/^chainlake_log_purged_messages_total\{stream="events"\} [1-9]\d*$/m);
    // The lake keeps everything the log no longer holds.
    const replay = await stack.request(`/v1/tables/${TABLE}/sessions/s-old/events`);
    expect(((await replay.json()) as Json).events.filter((e: Json) => e.kind === 'event')).toHaveLength(30);
  });

  it('never purges a message above the watermark, however old', async () => {
    const chain = makeTestChain(TABLE, 's-uncommitted', 20);
    // One committed batch, most likely still in the log when the committer stops right after.
    expect(((await (await ingest('s-uncommitted', chain.slice(0, 5))).json()) as Json).status).toBe(
      'visible',
    );
    await stack.restart(['api']); // no committer: nothing commits, and no retention loop runs
    for (let i = 1; i < 4; i++) {
      const res = await ingest('s-uncommitted', chain.slice(i * 5, i * 5 + 5), {}, false);
      expect(res.status).toBe(202);
    }
    const wm = await watermark();
    const before = await streamState();
    expect(before.last_seq).toBe(wm + 3);
    await new Promise((r) => setTimeout(r, 1100));
    const result = await purgeCommitted(stack.bus, stack.running.services.db, 0);
    expect(result.upTo).toBeLessThanOrEqual(wm);
    if (before.first_seq <= wm) expect(result).toEqual({ purged: wm - before.first_seq + 1, upTo: wm });
    const after = await streamState();
    expect(after.first_seq).toBe(wm + 1);
    expect(after.messages).toBe(3);
    for (let seq = wm + 1; seq <= after.last_seq; seq++) {
      expect(await stack.bus.jsm.streams.getMessage(stack.bus.names.eventsStream, { seq })).not.toBeNull();
    }

    await stack.restart(['api', 'committer']);
    await waitUntil('the uncommitted messages commit', async () => (await watermark()) === before.last_seq);
    await waitUntil('they are purged once committed', allCommittedPurged);
    const replay = await stack.request(`/v1/tables/${TABLE}/sessions/s-uncommitted/events`);
    expect(((await replay.json()) as Json).events.filter((e: Json) => e.kind === 'event')).toHaveLength(20);
  });

  it('continues a session whose log messages were all purged: head, idempotency and the lock', async () => {
    const session = 's-purged';
    const chain = makeTestChain(TABLE, session, 10);
    const first = await ingest(session, chain.slice(0, 5), { idempotency_key: 'purged-k1' });
    const firstAnswer = (await first.json()) as Json;
    expect(firstAnswer.status).toBe('visible');
    expect(
      ((await (await ingest(session, chain.slice(5), { idempotency_key: 'purged-k2' })).json()) as Json)
        .status,
    ).toBe('visible');
    await waitUntil(
      'the session has no message left in the log',
      async () =>
        (await allCommittedPurged()) &&
        (await readLastBatch(stack.bus, stack.bus.names.events('default', TABLE, session))) === null,
    );

    // An idempotent retry of an old key still answers duplicate, with the original token and seal.
    const retry = await ingest(session, chain.slice(0, 5), { idempotency_key: 'purged-k1' });
    expect(retry.status).toBe(200);
    const retryAnswer = (await retry.json()) as Json;
    expect(retryAnswer).toMatchObject({ status: 'duplicate', accepted_count: 0, duplicate_count: 5 });
    expect(retryAnswer.visibility_token).toBe(firstAnswer.visibility_token);
    expect(retryAnswer.seal).toEqual(firstAnswer.seal);
    // The same events without a key are duplicates too.
    const again = await ingest(session, chain.slice(0, 5));
    expect(((await again.json()) as Json).status).toBe('duplicate');

    // Stale heads are refused against the committed head.
    const head = { seq: 10, hash: chain[9]!.hash };
    const conflict = await ingest(
      session,
      makeTestChain(TABLE, session, 2, { seq: 10, hash: 'f'.repeat(64) }),
    );
    expect(conflict.status).toBe(409);
    expect((await conflict.json()) as Json).toMatchObject({
      code: 'sequence_conflict',
      expected_seq: 11,
      head,
    });
    const gap = await ingest(session, makeTestChain(TABLE, session, 2, { seq: 11, hash: 'a'.repeat(64) }));
    expect(gap.status).toBe(409);
    expect((await gap.json()) as Json).toMatchObject({ code: 'sequence_gap', expected_seq: 11, head });

    // Two writers continue the committed head at once: exactly one wins the optimistic lock.
    const mine = makeTestChain(TABLE, session, 5, head);
    const rivalEvent = {
      seq: 11,
      type: 'rival.write',
      ts: '2026-01-30T12:00:00.000Z',
      payload: { rival: true },
      prev_hash: head.hash,
    };
    const rival = [{ ...rivalEvent, hash: hashEvent(TABLE, session, rivalEvent) }];
    const [a, b] = await Promise.all([
      ingest(session, mine, { idempotency_key: 'purged-k3' }, false),
      ingest(session, rival, {}, false),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const loser = (await (a.status === 409 ? a : b).json()) as Json;
    expect(['concurrent_append', 'sequence_conflict']).toContain(loser.code);
    // Whatever won, the next batch continues the new head and commits.
    const newHead = a.status === 202 ? { seq: 15, hash: mine[4]!.hash } : { seq: 11, hash: rival[0]!.hash };
    const next = await ingest(session, makeTestChain(TABLE, session, 2, newHead));
    expect(((await next.json()) as Json).status).toBe('visible');
  });
});

describe('a re-created events stream', () => {
  it('is not purged by the watermark of the stream it replaced', async () => {
    const s = await startTestStack('retnew', { env: { CHAINLAKE_LOG_RETENTION: '1s' } });
    try {
      expect(
        (await s.request('/v1/tables', { method: 'POST', json: { name: TABLE, columns: [] } })).status,
      ).toBe(201);
      const chain = makeTestChain(TABLE, 's-a', 6);
      for (let i = 0; i < 3; i++) {
        const res = await s.request(`/v1/ingest/${TABLE}?wait_for_visibility=true`, {
          method: 'POST',
          json: { session_id: 's-a', events: chain.slice(i * 2, i * 2 + 2) },
        });
        expect(((await res.json()) as Json).status).toBe('visible');
      }
      await s.restart(['api']);
      await s.bus.jsm.streams.delete(s.bus.names.eventsStream);
      await ensureStreams(s.bus, s.config.stream);
      // Sequences 1 and 2 again, below the old watermark 3, and never committed.
      for (const session of ['s-b', 's-c']) {
        const res = await s.request(`/v1/ingest/${TABLE}`, {
          method: 'POST',
          json: { session_id: session, events: makeTestChain(TABLE, session, 1) },
        });
        expect(res.status).toBe(202);
      }
      await new Promise((r) => setTimeout(r, 1100));
      expect(await purgeCommitted(s.bus, s.running.services.db, 0)).toEqual({ purged: 0, upTo: 0 });
      expect((await s.bus.jsm.streams.info(s.bus.names.eventsStream)).state.messages).toBe(2);
    } finally {
      await s.stop();
    }
  });
});

describe('the raw stream', () => {
  it('purges raw messages once the gatekeeper handled them and the retention passed', async () => {
    const raw = await startTestStack('retraw', {
      roles: ['api', 'committer', 'gatekeeper'],
      env: { CHAINLAKE_LOG_RETENTION: '1s' },
    });
    try {
      expect(
        (await raw.request('/v1/tables', { method: 'POST', json: { name: TABLE, columns: [] } })).status,
      ).toBe(201);
      const chain = makeTestChain(TABLE, 's-raw', 9);
      for (let i = 0; i < 3; i++) {
        const body = JSON.stringify({ session_id: 's-raw', events: chain.slice(i * 3, i * 3 + 3) });
        await raw.bus.js.publish(raw.bus.names.raw('default', TABLE), body, { msgID: `raw-${i}` });
      }
      const rawState = async () => (await raw.bus.jsm.streams.info(raw.bus.names.rawStream)).state;
      expect((await rawState()).last_seq).toBe(3);
      await waitUntil('the handled raw messages are purged', async () => (await rawState()).messages === 0);
      // They were handled, not lost: every event is committed.
      await waitUntil('the raw batches are committed', async () => {
        const res = await raw.request(`/v1/tables/${TABLE}/sessions/s-raw/events`);
        const body = (await res.json()) as Json;
        return res.status === 200 && body.events.filter((e: Json) => e.kind === 'event').length === 9;
      });
    } finally {
      await raw.stop();
    }
  });
});
