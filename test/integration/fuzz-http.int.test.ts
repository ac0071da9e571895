import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { anyCase, base, BASE, BASE_HEAD, TABLE, TYPED, type Case } from '../support/hostile-requests.js';
import { eventually } from '../support/lake-check.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// ≥10,000 generated hostile requests against the HTTP edge, in-process (app.request). Every one must
// be answered 4xx problem+json whose `status` is the HTTP status, and none may write anything.
// Reproduce a failure with the printed seed: FUZZ_SEED=<seed> npx vitest run test/integration/fuzz-http.
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const CHUNK = 500;
const CONCURRENCY = 8;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let stack: TestStack;

/** Everything a request could write: the log, and each table ingest, the committer or the catalog write. */
async function stateOf() {
  const [row] = await stack.running.services.db.sql.unsafe<Record<string, number>[]>(
    `select (select count(*) from records)::int as records,
            (select count(*) from sessions)::int as sessions,
            (select count(*) from idempotency_keys)::int as idempotency_keys,
            (select count(*) from lake_tables)::int as lake_tables,
            (select count(*) from tenants)::int as tenants,
            (select count(*) from rejections)::int as rejections`,
  );
  const state: Record<string, number> = { messages: await stack.logCount(), ...row! };
  return state;
}

function describeCase(c: Case): string {
  const body =
    c.body === undefined ? '' : typeof c.body === 'string' ? c.body : Buffer.from(c.body).toString('latin1');
  const shown = body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body;
  return `${c.method} ${c.path.slice(0, 200)} ${JSON.stringify(c.headers)} ${JSON.stringify(shown)}`;
}

/** Sends one case; returns null when the answer is a proper 4xx problem, else what was wrong. */
async function check(c: Case): Promise<{ status: number; code: string } | string> {
  let res: Response;
  try {
    res = await stack.request(c.path, { method: c.method, headers: c.headers, body: c.body });
  } catch (err) {
    return `the request threw: ${(err as Error).message}`;
  }
  const text = await res.text();
  if (res.status < 400 || res.status > 499) return `answered ${res.status}: ${text.slice(0, 300)}`;
  if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? ''))
    return `${res.status} with content-type ${res.headers.get('content-type')}`;
  let problem: Json;
  try {
    problem = JSON.parse(text);
  } catch {
    return `${res.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (problem.status !== res.status) return `${res.status} but problem.status ${problem.status}`;
  for (const k of ['type', 'title', 'code', 'detail'])
    if (typeof problem[k] !== 'string') return `${res.status} problem without ${k}`;
  return { status: res.status, code: problem.code as string };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Headers a Request can carry at all (a ByteString without CR/LF/NUL); others are not an HTTP request. */
function sendable(c: Case): boolean {
  try {
    new Headers(c.headers);
    new URL(`http://localhost${c.path}`);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  stack = await startTestStack('fuzzhttp');
  const create = async (json: unknown) =>
    expect((await stack.request('/v1/tables', { method: 'POST', json })).status).toBe(201);
  await create({
    name: TABLE,
    columns: [
      { name: 'n', type: 'int64' },
      { name: 'text', type: 'string' },
    ],
  });
  await create({ name: TYPED, columns: [{ name: 'n', type: 'int64', required: true }] });
  const res = await stack.request(`/v1/ingest/${TABLE}`, {
    method: 'POST',
    json: { session_id: BASE, idempotency_key: 'k-base', events: base.slice(0, BASE_HEAD) },
  });
  expect(res.status).toBe(202);
  await eventually(
    async () => (await stateOf()).records === BASE_HEAD + 1,
    20_000,
    'the base batch committed',
  );
});
afterAll(() => stack?.stop());

describe(`${CASES} generated hostile requests (seed ${SEED})`, () => {
  it(
    'answers every one 4xx problem+json with status = HTTP status, and writes nothing',
    { timeout: 240_000 },
    async () => {
      const before = await stateOf();
      const tally = new Map<string, number>();
      const failures: string[] = [];
      let sent = 0;
      const started = Date.now();
      for (let chunk = 0; sent < CASES; chunk++) {
        const seed = SEED + chunk;
        const cases = fc
          .sample(anyCase, { seed, numRuns: CHUNK })
          .filter(sendable)
          .slice(0, CASES - sent);
        const results = await pool(cases, CONCURRENCY, check);
        results.forEach((r, i) => {
          if (typeof r === 'string') {
            if (failures.length < 10)
              failures.push(`[seed ${seed} #${i}] ${r}\n    ${describeCase(cases[i]!)}`);
          } else {
            const key = `${cases[i]!.kind} ${r.status} ${r.code}`;
            tally.set(key, (tally.get(key) ?? 0) + 1);
          }
        });
        sent += cases.length;
      }
      const seconds = (Date.now() - started) / 1000;
      const summary = [...tally]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `  ${n}\t${k}`)
        .join('\n');
      console.info(`fuzz-http: ${sent} cases in ${seconds.toFixed(1)} s (seed ${SEED})\n${summary}`);
      expect(failures, `seed ${SEED}: ${failures.length} bad answers\n${failures.join('\n')}`).toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(CASES);
      expect(await stateOf()).toEqual(before);
    },
  );
});

describe('duplicate member names in the JSON text', () => {
  it('hashes what JSON.parse yields: the last value of a repeated member', async () => {
    const session = 'f-dupkeys';
    const ev = { seq: 1, type: 't', ts: '2026-01-30T12:00:00Z', payload: { a: 2 }, prev_hash: GENESIS_HASH };
    const lastWins = hashEvent(TABLE, session, ev);
    const firstWins = hashEvent(TABLE, session, { ...ev, payload: { a: 1 } });
    const body = (hash: string) =>
      `{"session_id":"${session}","events":[{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","payload":{"a":1,"a":2},"prev_hash":"${GENESIS_HASH}","hash":"${hash}"}]}`;
    const post = (b: string) =>
      stack.request(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        body: b,
        headers: { 'content-type': 'application/json' },
      });

    const refused = await post(body(firstWins));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Json).code).toBe('hash_mismatch');
    const accepted = await post(body(lastWins));
    expect(accepted.status).toBe(202);
    // Replay serves the single member that was hashed.
    await eventually(
      async () => {
        const page = (await (
          await stack.request(`/v1/tables/${TABLE}/sessions/${session}/events`)
        ).json()) as Json;
        return (
          page.events?.length === 2 &&
          page.events[0].payload.a === 2 &&
          Object.keys(page.events[0].payload).length === 1
        );
      },
      20_000,
      'the batch replayed',
    );
  });

  it('hashes a number beyond 2^53 as the double JSON.parse makes of it', async () => {
    const session = 'f-bignum';
    const ev = {
      seq: 1,
      type: 't',
      ts: '2026-01-30T12:00:00Z',
      payload: { big: 9007199254740993 },
      prev_hash: GENESIS_HASH,
    };
    // 9007199254740993 parses to 9007199254740992, and JCS writes it so.
    const hash = hashEvent(TABLE, session, ev);
    const res = await stack.request(`/v1/ingest/${TABLE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"session_id":"${session}","events":[{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","payload":{"big":9007199254740993},"prev_hash":"${GENESIS_HASH}","hash":"${hash}"}]}`,
    });
    expect(res.status).toBe(202);
  });
});

describe('bytes and strings that cannot be carried as they are', () => {
  it('refuses an otherwise valid batch whose idempotency key has a control character, surrounding whitespace or a lone surrogate', async () => {
    // Earlier tests' batches are committed first, so that only this request could change anything.
    await eventually(
      async () =>
        ((await (await stack.request(`/v1/tables/${TABLE}/watermark`)).json()) as Json).lag.messages === 0,
      20_000,
      'the committer idle',
    );
    for (const key of ['a\u0000b', 'a\nb', 'a\r', ' lead', 'trail ', 'x\ud800', '\u00a0nbsp']) {
      const before = await stateOf();
      const session = `f-key-${before.messages}`;
      const res = await stack.request(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        json: { session_id: session, idempotency_key: key, events: makeTestChain(TABLE, session, 1) },
      });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(((await res.json()) as Json).errors[0].path).toBe('/idempotency_key');
      expect(await stateOf()).toEqual(before);
    }
    // Unicode inside a key is fine.
    const res = await stack.request(`/v1/ingest/${TABLE}`, {
      method: 'POST',
      json: {
        session_id: 'f-key-ok',
        idempotency_key: 'ключ 🔑 key',
        events: makeTestChain(TABLE, 'f-key-ok', 1),
      },
    });
    expect(res.status).toBe(202);
  });

  it('refuses a body that is not valid UTF-8 instead of hashing U+FFFD in place of its bytes', async () => {
    const session = 'f-utf8';
    const ev = {
      seq: 1,
      type: 't',
      ts: '2026-01-30T12:00:00Z',
      payload: { s: 'a\ufffdb' },
      prev_hash: GENESIS_HASH,
    };
    const hash = hashEvent(TABLE, session, ev);
    const text = (s: string) =>
      `{"session_id":"${session}","events":[{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","payload":{"s":"${s}"},"prev_hash":"${GENESIS_HASH}","hash":"${hash}"}]}`;
    const [before, after] = text('\u0000').split('\u0000') as [string, string];
    const post = (body: Uint8Array) =>
      stack.request(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    const invalid = await post(
      new Uint8Array(
        Buffer.concat([Buffer.from(before + 'a'), Buffer.from([0xff]), Buffer.from('b' + after)]),
      ),
    );
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as Json).errors[0].message).toBe('invalid UTF-8');
    // The same text with a real U+FFFD is ordinary content.
    expect((await post(new Uint8Array(Buffer.from(text('a\ufffdb'))))).status).toBe(202);
  });

  it('refuses a table description with U+0000 or a lone surrogate', async () => {
    for (const description of ['a\u0000b', 'x\ud800']) {
      const res = await stack.request('/v1/tables', {
        method: 'POST',
        json: { name: 'desc_bad', description },
      });
      expect(res.status, JSON.stringify(description)).toBe(400);
    }
    const ok = await stack.request('/v1/tables', {
      method: 'POST',
      json: { name: 'desc_ok', description: 'émoji 😀 \u202e' },
    });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as Json).description).toBe('émoji 😀 \u202e');
  });
});
