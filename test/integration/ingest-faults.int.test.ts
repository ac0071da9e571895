import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'faults';
const COLUMNS = [
  { name: 'n', type: 'int64' },
  { name: 'text', type: 'string' },
];

/** What an error path must leave alone: the log and every table ingest or the committer writes. */
async function stateOf(stack: TestStack) {
  const info = await stack.bus.jsm.streams.info(stack.bus.names.eventsStream);
  return { messages: info.state.messages, lastSeq: info.state.last_seq, ...(await dbStateOf(stack)) };
}

async function dbStateOf(stack: TestStack) {
  const [row] = await stack.running.services.db.sql.unsafe<
    { records: number; keys: number; sessions: number; digest: string }[]
  >(`select (select count(*) from records)::int as records,
            (select count(*) from idempotency_keys)::int as keys,
            (select count(*) from sessions)::int as sessions,
            (select md5(coalesce(string_agg(s::text, '|' order by s::text), ''))
               from (select tenant, table_name, session_id, head_seq, head_hash from sessions) s) as digest`);
  return row!;
}

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Json;
  expect(body.status).toBe(res.status);
  for (const k of ['type', 'title', 'code', 'detail']) expect(typeof body[k]).toBe('string');
  return body;
}

function ingestWith(stack: TestStack, table = TABLE) {
  return (session: string, events: ClientEvent[], extra: Record<string, unknown> = {}) =>
    stack.request(`/v1/ingest/${table}`, { method: 'POST', json: { session_id: session, events, ...extra } });
}

async function createTable(stack: TestStack, name = TABLE) {
  const res = await stack.request('/v1/tables', { method: 'POST', json: { name, columns: COLUMNS } });
  expect(res.status).toBe(201);
}

/** Polls `probe` until it returns true; fails after `ms`. */
async function waitUntil(what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One event with a payload of about `bytes` bytes (under the 256 KiB payload limit). */
function bigChain(session: string, from: { seq: number; hash: string }, count: number, bytes: number) {
  const events: ClientEvent[] = [];
  let prev = from;
  for (let seq = from.seq + 1; seq <= from.seq + count; seq++) {
    const ev = {
      seq,
      type: 'blob',
      ts: '2026-01-30T12:00:00Z',
      payload: { n: seq, text: 'x'.repeat(bytes) },
      prev_hash: prev.hash,
    };
    const full = { ...ev, hash: hashEvent(TABLE, session, ev) };
    events.push(full);
    prev = full;
  }
  return events;
}

describe('when NATS is unreachable', () => {
  let nats: NatsServerHandle;
  let stack: TestStack;
  let ingest: ReturnType<typeof ingestWith>;

  beforeAll(async () => {
    nats = await startNatsServer();
    stack = await startTestStack('faultnats', { env: { NATS_URL: nats.url } });
    ingest = ingestWith(stack);
    await createTable(stack);
  });
  afterAll(async () => {
    // The server may be down if a test failed midway: bring it back so the stack can clean up.
    await nats?.restart().catch(() => undefined);
    await stack?.stop();
    await nats?.stop();
  });

  it('answers 503 unavailable with Retry-After quickly, writes nothing, and recovers after a restart', async () => {
    const chain = makeTestChain(TABLE, 's-outage', 6);
    expect((await ingest('s-outage', chain.slice(0, 3), { idempotency_key: 'k-first' })).status).toBe(202);
    await waitUntil('the first batch is committed', async () => (await stateOf(stack)).records === 4);
    const before = await stateOf(stack);

    await nats.kill();
    const started = Date.now();
    const res = await ingest('s-outage', chain.slice(3, 6), { idempotency_key: 'k-second' });
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await problemOf(res)).code).toBe('unavailable');
    expect(took).toBeLessThan(6_500);
    const { messages: _m, lastSeq: _l, ...dbBefore } = before;
    expect(await dbStateOf(stack)).toEqual(dbBefore);

    const ready = await stack.request('/readyz');
    expect(ready.status).toBe(503);
    const readiness = (await ready.json()) as Json;
    expect(readiness.checks.nats).toMatch(/^failing/);
    expect(readiness.checks.postgres).toBe('ok');

    await nats.restart();
    // The client reconnects on its own; ingest works again once JetStream answers.
    let again: Response | undefined;
    await waitUntil(
      'ingest works after the restart',
      async () => {
        again = await ingest('s-outage', chain.slice(3, 6), { idempotency_key: 'k-second' });
        return again.status !== 503;
      },
      30_000,
    );
    expect(again!.status).toBe(202);
    expect(await again!.json()).toMatchObject({ accepted_count: 3, head: { seq: 6 } });
    const after = await stateOf(stack);
    // The failed attempt left nothing behind: exactly one more message, the retried batch.
    expect(after.messages).toBe(before.messages + 1);
    expect(after.keys).toBe(before.keys + 1);
    // The committer resumes too.
    await waitUntil('the retried batch is committed', async () => (await stateOf(stack)).records === 8);
  });
});

describe('when the stream is full (discard new)', () => {
  let stack: TestStack;
  let ingest: ReturnType<typeof ingestWith>;

  beforeAll(async () => {
    stack = await startTestStack('faultfull', {
      env: { CHAINLAKE_STREAM_MAX_BYTES: String(1024 * 1024) },
    });
    ingest = ingestWith(stack);
    await createTable(stack);
  });
  afterAll(() => stack?.stop());

  it('answers 503 unavailable, writes nothing, and keeps the earlier batches intact', async () => {
    // Three events of ~100 KB per batch: three batches fit 1 MiB, the fourth does not.
    let head = { seq: 0, hash: GENESIS_HASH };
    const accepted: ClientEvent[] = [];
    let full: Response | undefined;
    let fullBatch: ClientEvent[] = [];
    for (let i = 0; i < 10 && !full; i++) {
      const batch = bigChain('s-full', head, 3, 100_000);
      const res = await ingest('s-full', batch, { idempotency_key: `k-${i}` });
      if (res.status === 503) {
        full = res;
        fullBatch = batch;
        break;
      }
      expect(res.status).toBe(202);
      accepted.push(...batch);
      head = { seq: batch[2]!.seq, hash: batch[2]!.hash };
    }
    expect(full, 'the stream never filled up').toBeDefined();
    expect(accepted.length).toBeGreaterThanOrEqual(6);
    expect(full!.headers.get('retry-after')).toMatch(/^\d+$/);
    const problem = await problemOf(full!);
    expect(problem.code).toBe('unavailable');

    // Committed data settles; then another refused attempt changes nothing at all.
    const expectedRecords = accepted.length + accepted.length / 3;
    await waitUntil('the accepted batches are committed', async () => {
      return (await stateOf(stack)).records === expectedRecords;
    });
    const before = await stateOf(stack);
    const again = await ingest('s-full', fullBatch, { idempotency_key: 'k-full' });
    expect(again.status).toBe(503);
    expect(await stateOf(stack)).toEqual(before);

    const info = (await (await stack.request(`/v1/tables/${TABLE}/sessions/s-full`)).json()) as Json;
    expect(info.accepted_head).toEqual(head);
    expect(info.committed_head).toEqual(head);
    expect(info.event_count).toBe(accepted.length);
    // Re-sending an accepted batch still answers from the log.
    const dup = await ingest('s-full', accepted.slice(0, 3), { idempotency_key: 'k-0' });
    expect(dup.status).toBe(200);
    expect(((await dup.json()) as Json).status).toBe('duplicate');
  });
});

describe('an idempotent retry after the dedup window', () => {
  let stack: TestStack;
  let ingest: ReturnType<typeof ingestWith>;

  beforeAll(async () => {
    stack = await startTestStack('faultdedup', { env: { CHAINLAKE_DEDUP_WINDOW_MS: '500' } });
    ingest = ingestWith(stack);
    await createTable(stack);
  });
  afterAll(() => stack?.stop());

  it('answers 200 duplicate with the original token and seal, by key and by identical events', async () => {
    const chain = makeTestChain(TABLE, 's-window', 9);
    const first = await ingest('s-window', chain.slice(0, 3), { idempotency_key: 'k-a' });
    expect(first.status).toBe(202);
    const original = (await first.json()) as Json;
    const second = (await (await ingest('s-window', chain.slice(3, 6))).json()) as Json;
    await new Promise((r) => setTimeout(r, 800));
    const before = await stateOf(stack);

    // By key, although the batch is no longer at the head and the log forgot its msg-id.
    const byKey = await ingest('s-window', chain.slice(0, 3), { idempotency_key: 'k-a' });
    expect(byKey.status).toBe(200);
    expect(await byKey.json()).toMatchObject({
      status: 'duplicate',
      accepted_count: 0,
      duplicate_count: 3,
      seal: original.seal,
      visibility_token: original.visibility_token,
      head: original.head,
    });
    // Without a key: identical events are recognised by their hashes.
    const byEvents = await ingest('s-window', chain.slice(3, 6));
    expect(byEvents.status).toBe(200);
    expect(await byEvents.json()).toMatchObject({
      status: 'duplicate',
      duplicate_count: 3,
      seal: second.seal,
      visibility_token: second.visibility_token,
    });
    expect(await stateOf(stack)).toMatchObject({ messages: before.messages, keys: before.keys });

    // And once committed (answered from Postgres rather than the log's last message).
    await waitUntil('committed', async () => (await stateOf(stack)).records === 8);
    const third = await ingest('s-window', chain.slice(6, 9));
    expect(third.status).toBe(202);
    const old = await ingest('s-window', chain.slice(0, 3));
    expect(await old.json()).toMatchObject({ status: 'duplicate', seal: original.seal });
  });
});

describe('every error path', () => {
  let stack: TestStack;
  let ingest: ReturnType<typeof ingestWith>;
  const chain = makeTestChain(TABLE, 's-err', 10);

  beforeAll(async () => {
    stack = await startTestStack('faulterr');
    ingest = ingestWith(stack);
    await createTable(stack);
    const required = await stack.request('/v1/tables', {
      method: 'POST',
      json: { name: 'typed', columns: [{ name: 'n', type: 'int64', required: true }] },
    });
    expect(required.status).toBe(201);
    expect((await ingest('s-err', chain.slice(0, 5), { idempotency_key: 'k-used' })).status).toBe(202);
    await waitUntil('the setup batch is committed', async () => (await stateOf(stack)).records === 6);
  });
  afterAll(() => stack?.stop());

  const tampered = () => {
    const evs = chain.slice(5, 8).map((e) => ({ ...e }));
    evs[1] = { ...evs[1]!, payload: { n: 999 } };
    return evs;
  };
  const relinked = () => {
    const evs = chain.slice(5, 8).map((e) => ({ ...e }));
    const bad = { ...evs[1]!, prev_hash: 'c'.repeat(64) };
    evs[1] = { ...bad, hash: hashEvent(TABLE, 's-err', bad) };
    return evs;
  };
  const post = (path: string, body: string, type = 'application/json') =>
    stack.request(path, { method: 'POST', body, headers: { 'content-type': type } });
  const cases: [string, number, string, () => Promise<Response>][] = [
    ['schema violation', 400, 'invalid_request', () => ingest('bad.session', chain.slice(5, 6))],
    ['malformed JSON', 400, 'invalid_request', () => post(`/v1/ingest/${TABLE}`, '{"session_id":"s')],
    [
      'column type',
      400,
      'invalid_request',
      () => {
        const ev = { seq: 1, type: 't', ts: '2026-01-30T12:00:00Z', payload: {}, prev_hash: GENESIS_HASH };
        return ingestWith(stack, 'typed')('s-typed', [{ ...ev, hash: hashEvent('typed', 's-typed', ev) }]);
      },
    ],
    ['hash mismatch', 400, 'hash_mismatch', () => ingest('s-err', tampered())],
    ['broken link', 400, 'broken_link', () => ingest('s-err', relinked())],
    ['unknown table', 404, 'table_not_found', () => ingestWith(stack, 'nope')('s-err', chain.slice(5, 6))],
    ['sequence gap', 409, 'sequence_gap', () => ingest('s-err', chain.slice(6, 8))],
    [
      'sequence conflict',
      409,
      'sequence_conflict',
      () => ingest('s-err', makeTestChain(TABLE, 's-err', 2, { seq: 5, hash: 'd'.repeat(64) })),
    ],
    [
      'idempotency key reused',
      409,
      'idempotency_key_reused',
      () => ingest('s-err', chain.slice(5, 7), { idempotency_key: 'k-used' }),
    ],
    [
      'payload over 256 KiB',
      400,
      'invalid_request',
      () => ingest('s-big', bigChain('s-big', { seq: 0, hash: GENESIS_HASH }, 1, 256 * 1024)),
    ],
    [
      'payload nested 65 deep',
      400,
      'invalid_request',
      () => {
        let payload: Record<string, unknown> = {};
        for (let i = 1; i < 65; i++) payload = { d: payload };
        const ev = { seq: 6, type: 't', ts: '2026-01-30T12:00:00Z', payload, prev_hash: chain[4]!.hash };
        return ingest('s-err', [{ ...ev, hash: hashEvent(TABLE, 's-err', ev) }]);
      },
    ],
    [
      'lone surrogate',
      400,
      'invalid_request',
      () => ingest('s-err', [{ ...chain[5]!, payload: { text: 'bad \ud800' } }]),
    ],
    ['too many events', 413, 'batch_too_large', () => ingest('s-many', makeTestChain(TABLE, 's-many', 1001))],
    [
      'sealed batch over max_payload',
      413,
      'batch_too_large',
      () => ingest('s-err', bigChain('s-err', { seq: 5, hash: chain[4]!.hash }, 6, 200_000)),
    ],
    [
      'body over 8 MiB',
      413,
      'batch_too_large',
      () =>
        post(
          `/v1/ingest/${TABLE}`,
          `{"session_id":"s-err","events":[],"pad":"${'x'.repeat(8 * 1024 * 1024)}"}`,
        ),
    ],
    [
      'wrong media type',
      415,
      'unsupported_media_type',
      () => post(`/v1/ingest/${TABLE}`, JSON.stringify({ session_id: 's-err', events: chain }), 'text/plain'),
    ],
  ];

  for (const [name, status, code, send] of cases) {
    it(`answers ${status} ${code} (${name}) and leaves the log and the database unchanged`, async () => {
      const before = await stateOf(stack);
      const res = await send();
      expect(res.status).toBe(status);
      expect((await problemOf(res)).code).toBe(code);
      expect(await stateOf(stack)).toEqual(before);
    });
  }

  it('lets exactly one of racing writers append; the losers write nothing, not even their keys', async () => {
    const before = await stateOf(stack);
    const forks = Array.from({ length: 8 }, (_, i) => {
      const ev = {
        seq: 6,
        type: 'fork',
        ts: '2026-01-30T12:00:00Z',
        payload: { n: i },
        prev_hash: chain[4]!.hash,
      };
      return [{ ...ev, hash: hashEvent(TABLE, 's-err', ev) }];
    });
    const answers = await Promise.all(
      forks.map((f, i) => ingest('s-err', f, { idempotency_key: `race-${i}` })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 202)) {
      expect(a.status).toBe(409);
      expect(['concurrent_append', 'sequence_conflict']).toContain((await problemOf(a)).code);
    }
    const after = await stateOf(stack);
    expect(after.messages).toBe(before.messages + 1);
    expect(after.keys).toBe(before.keys + 1);
  });
});

describe('malformed bodies', () => {
  let stack: TestStack;
  let ingest: ReturnType<typeof ingestWith>;
  const MiB = 1024 * 1024;

  beforeAll(async () => {
    stack = await startTestStack('faultbody', { roles: ['api'] });
    ingest = ingestWith(stack);
    await createTable(stack);
  });
  afterAll(() => stack?.stop());

  const raw = (body: string | undefined, type: string | null = 'application/json', method = 'POST') =>
    stack.request(`/v1/ingest/${TABLE}`, {
      method,
      body,
      headers: type === null ? {} : { 'content-type': type },
    });
  /** An event of `session` at seq 1 with `payload`, hashed when JCS can represent it. */
  const eventWith = (session: string, payload: Record<string, unknown>): ClientEvent => {
    const ev = { seq: 1, type: 't', ts: '2026-01-30T12:00:00Z', payload, prev_hash: GENESIS_HASH };
    let hash = 'a'.repeat(64);
    try {
      hash = hashEvent(TABLE, session, ev);
    } catch {
      // not canonicalizable: the server must refuse it before comparing hashes
    }
    return { ...ev, hash };
  };
  const nested = (depth: number): Record<string, unknown> => {
    let v: Record<string, unknown> = {};
    for (let i = 1; i < depth; i++) v = { d: v };
    return v;
  };
  const nestedText = (depth: number) => '{"d":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
  const expectProblem = async (res: Response, status: number | number[], code?: string) => {
    const statuses = Array.isArray(status) ? status : [status];
    expect(
      statuses,
      await res
        .clone()
        .text()
        .then((t) => t.slice(0, 300)),
    ).toContain(res.status);
    const problem = await problemOf(res);
    if (code) expect(problem.code).toBe(code);
    return problem;
  };

  it('answers 400 for truncated JSON, an empty body and bodies that are not an object', async () => {
    const full = JSON.stringify({ session_id: 's', events: makeTestChain(TABLE, 's', 2) });
    for (const body of [
      full.slice(0, full.length - 1),
      full.slice(0, 40),
      '',
      ' ',
      '"string"',
      '[]',
      '[{}]',
      'null',
      '42',
      'true',
      '{',
    ]) {
      const problem = await expectProblem(await raw(body), 400, 'invalid_request');
      expect(Array.isArray(problem.errors), body.slice(0, 50)).toBe(true);
    }
  });

  it('accepts a payload nested 64 deep and refuses 65 with 400', async () => {
    expect((await ingest('s-depth64', [eventWith('s-depth64', nested(64))])).status).toBe(202);
    const problem = await expectProblem(
      await ingest('s-depth65', [eventWith('s-depth65', nested(65))]),
      400,
      'invalid_request',
    );
    expect(problem.errors[0].path).toBe('/events/0/payload');
  });

  it('survives nesting 10000 and 100000 deep anywhere in the body with 400 or 413', async () => {
    const event = (payload: string) =>
      `{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","prev_hash":"${GENESIS_HASH}","hash":"${'a'.repeat(64)}","payload":${payload}}`;
    for (const depth of [10_000, 100_000]) {
      const bodies = [
        `{"session_id":"s-deep","events":[${event(nestedText(depth))}]}`,
        '['.repeat(depth) + ']'.repeat(depth),
        `{"session_id":"s-deep","events":${'['.repeat(depth) + ']'.repeat(depth)}}`,
        `{"session_id":"s-deep","extra":${nestedText(depth)},"events":[${event('{}')}]}`,
      ];
      for (const body of bodies) await expectProblem(await raw(body), [400, 413]);
    }
  });

  it('answers 400 naming the place for a lone surrogate or an out-of-range number in a payload', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ text: 'ok \ud800 not ok' }, '/events/0/payload/text'],
      [{ list: ['fine', { deep: '\udc00' }] }, '/events/0/payload/list/1/deep'],
      [{ ['key\ud800']: 1 }, '/events/0/payload/key\ud800'],
      // Near the size limit the payload is canonicalized while its size is checked.
      [{ text: 'x'.repeat(250_000) + '\ud800' }, '/events/0/payload/text'],
    ];
    for (const [payload, path] of cases) {
      const problem = await expectProblem(
        await ingest('s-surrogate', [eventWith('s-surrogate', payload)]),
        400,
        'invalid_request',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path })]);
    }
    const body = `{"session_id":"s-inf","events":[{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","prev_hash":"${GENESIS_HASH}","hash":"${'a'.repeat(64)}","payload":{"n":1e400}}]}`;
    const problem = await expectProblem(await raw(body), 400, 'invalid_request');
    expect(problem.errors).toEqual([expect.objectContaining({ path: '/events/0/payload/n' })]);
    // U+0000 is ordinary string content.
    expect((await ingest('s-nul', [eventWith('s-nul', { text: 'a\u0000b' })])).status).toBe(202);
  });

  it('answers 400 for a seq beyond 2^53', async () => {
    for (const seq of ['9007199254740993', '9007199254740992', '1e300', '1.5', '-1', '0']) {
      const body = `{"session_id":"s-big","events":[{"seq":${seq},"type":"t","ts":"2026-01-30T12:00:00Z","payload":{},"prev_hash":"${GENESIS_HASH}","hash":"${'a'.repeat(64)}"}]}`;
      const problem = await expectProblem(await raw(body), 400, 'invalid_request');
      expect(problem.errors[0].path).toBe('/events/0/seq');
    }
  });

  it('accepts a canonical payload of exactly 256 KiB and refuses one byte more with 400', async () => {
    // {"text":"…"} is the text plus 11 bytes.
    const at = eventWith('s-256k', { text: 'x'.repeat(256 * 1024 - 11) });
    expect((await ingest('s-256k', [at])).status).toBe(202);
    const over = eventWith('s-256k1', { text: 'x'.repeat(256 * 1024 - 10) });
    const problem = await expectProblem(await ingest('s-256k1', [over]), 400, 'invalid_request');
    expect(problem.errors[0]).toMatchObject({ path: '/events/0/payload' });
    expect(problem.errors[0].message).toMatch(/262145/);
  });

  it('answers 413 for a body of 8 MiB + 1 byte, and judges one of exactly 8 MiB by its content', async () => {
    const sized = (bytes: number) => {
      const head = '{"session_id":"s-8m","events":[],"pad":"';
      return head + 'x'.repeat(bytes - head.length - 2) + '"}';
    };
    expect(sized(8 * MiB + 1)).toHaveLength(8 * MiB + 1);
    const over = await expectProblem(await raw(sized(8 * MiB + 1)), 413, 'batch_too_large');
    expect(over.detail).toMatch(String(8 * MiB));
    await expectProblem(await raw(sized(8 * MiB)), 400, 'invalid_request');
  });

  it('answers 415 for a body that is not JSON by its media type', async () => {
    const body = JSON.stringify({ session_id: 's', events: makeTestChain(TABLE, 's', 1) });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      null,
    ]) {
      await expectProblem(await raw(body, type), 415, 'unsupported_media_type');
    }
    expect((await raw(body, 'application/json; charset=utf-8')).status).toBe(202);
  });

  it('answers a problem, never 5xx, for other methods on POST-only routes and for unknown routes', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      await expectProblem(await raw(undefined, null, method), [404, 405]);
    }
    await expectProblem(await stack.request('/v1/tables', { method: 'PUT', json: {} }), [404, 405]);
    await expectProblem(await stack.request('/v1/tables/faults', { method: 'POST', json: {} }), [404, 405]);
    for (const path of [
      '/nope',
      '/v1',
      '/v1/nope',
      '/v1/ingest',
      '/v1/tables/faults/sessions',
      '/v1/tables/faults/x/y/z',
    ]) {
      await expectProblem(await stack.request(path), 404);
    }
  });
});
