import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('tables');
});
afterAll(() => stack?.stop());

const createTable = (json: unknown) => stack.request('/v1/tables', { method: 'POST', json });
const ingest = (table: string, session: string, events: ClientEvent[]) =>
  stack.request(`/v1/ingest/${table}`, { method: 'POST', json: { session_id: session, events } });

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Json;
  expect(body.status).toBe(res.status);
  return body;
}

/** Polls `probe` until it returns true; fails after `ms`. */
async function waitUntil(what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the table catalog', () => {
  it('creates a table: 201 with its definition, required defaulting to false', async () => {
    const res = await createTable({
      name: 'llm_calls',
      description: 'calls to models',
      columns: [
        { name: 'model', type: 'string', required: true },
        { name: 'tokens', type: 'int64' },
      ],
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body).toEqual({
      name: 'llm_calls',
      description: 'calls to models',
      columns: [
        { name: 'model', type: 'string', required: true },
        { name: 'tokens', type: 'int64', required: false },
      ],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });
    const minimal = await createTable({ name: 'bare' });
    expect(minimal.status).toBe(201);
    expect(await minimal.json()).toMatchObject({ name: 'bare', description: '', columns: [] });
  });

  it('answers 409 table_exists for a live table of the same name', async () => {
    expect((await createTable({ name: 'twice' })).status).toBe(201);
    const res = await createTable({ name: 'twice', columns: [{ name: 'x', type: 'json' }] });
    expect(res.status).toBe(409);
    expect((await problemOf(res)).code).toBe('table_exists');
    // The first definition stands.
    expect(await (await stack.request('/v1/tables/twice')).json()).toMatchObject({ columns: [] });
  });

  it('answers 400 invalid_request with errors for bad names and column definitions', async () => {
    const cases: [unknown, string | null][] = [
      [{ name: 'Upper' }, '/name'],
      [{ name: '1st' }, '/name'],
      [{ name: 'with-dash' }, '/name'],
      [{ name: 'a'.repeat(64) }, '/name'],
      [{ name: '' }, '/name'],
      [{ name: 42 }, '/name'],
      [{}, '/name'],
      [{ name: 'ok_name', extra: true }, '/extra'],
      [{ name: 'ok_name', columns: 'model:string' }, '/columns'],
      [{ name: 'ok_name', columns: [{ name: 'x', type: 'varchar' }] }, '/columns/0/type'],
      [{ name: 'ok_name', columns: [{ name: 'Bad', type: 'string' }] }, '/columns/0/name'],
      [{ name: 'ok_name', columns: [{ name: 'seq', type: 'int64' }] }, '/columns/0/name'],
      [{ name: 'ok_name', columns: [{ name: 'x', type: 'string', required: 'yes' }] }, '/columns/0/required'],
      [{ name: 'ok_name', columns: [{ name: 'x', type: 'string', nullable: true }] }, '/columns/0/nullable'],
      [
        {
          name: 'ok_name',
          columns: [
            { name: 'x', type: 'string' },
            { name: 'x', type: 'int64' },
          ],
        },
        '/columns',
      ],
      [[], null],
      ['ok_name', null],
    ];
    for (const [body, path] of cases) {
      const res = await createTable(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe('invalid_request');
      expect(problem.errors.length).toBeGreaterThan(0);
      for (const e of problem.errors) {
        expect(typeof e.path).toBe('string');
        expect(typeof e.message).toBe('string');
      }
      if (path !== null)
        expect(
          problem.errors.map((e: Json) => e.path),
          JSON.stringify(body),
        ).toContain(path);
    }
    const list = (await (await stack.request('/v1/tables')).json()) as Json;
    expect(list.tables.map((t: Json) => t.name)).not.toContain('ok_name');
  });

  it('lists live tables by name and gets one; an unknown or ill-formed name is 404 table_not_found', async () => {
    for (const name of ['zeta', 'alpha']) expect((await createTable({ name })).status).toBe(201);
    const list = (await (await stack.request('/v1/tables')).json()) as Json;
    const names = list.tables.map((t: Json) => t.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['alpha', 'zeta']));
    const alpha = await stack.request('/v1/tables/alpha');
    expect(alpha.status).toBe(200);
    expect(await alpha.json()).toEqual(list.tables.find((t: Json) => t.name === 'alpha'));
    for (const name of ['nope', 'Not-A-Name']) {
      const res = await stack.request(`/v1/tables/${name}`);
      expect(res.status).toBe(404);
      expect((await problemOf(res)).code).toBe('table_not_found');
    }
    // Tables are per tenant.
    const other = (await (await stack.request('/v1/tables', { tenant: 'other' })).json()) as Json;
    expect(other.tables).toEqual([]);
  });

  it('deletes a table: 204, ingest answers 404, its sessions stay readable; re-creating revives it', async () => {
    expect((await createTable({ name: 'doomed', columns: [{ name: 'n', type: 'int64' }] })).status).toBe(201);
    const chain = makeTestChain('doomed', 's1', 6);
    expect((await ingest('doomed', 's1', chain.slice(0, 3))).status).toBe(202);
    await waitUntil('committed', async () => {
      const info = (await (await stack.request('/v1/tables/doomed/sessions/s1')).json()) as Json;
      return info.committed_head?.seq === 3;
    });

    const del = await stack.request('/v1/tables/doomed', { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    const again = await stack.request('/v1/tables/doomed', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await problemOf(again)).code).toBe('table_not_found');
    expect((await stack.request('/v1/tables/doomed')).status).toBe(404);
    const list = (await (await stack.request('/v1/tables')).json()) as Json;
    expect(list.tables.map((t: Json) => t.name)).not.toContain('doomed');

    const refused = await ingest('doomed', 's1', chain.slice(3, 6));
    expect(refused.status).toBe(404);
    expect((await problemOf(refused)).code).toBe('table_not_found');

    const info = await stack.request('/v1/tables/doomed/sessions/s1');
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      accepted_head: { seq: 3, hash: chain[2]!.hash },
      committed_head: { seq: 3, hash: chain[2]!.hash },
      event_count: 3,
    });
    expect((await stack.request('/v1/tables/doomed/watermark')).status).toBe(200);
    expect((await stack.request('/v1/tables/doomed/snapshots')).status).toBe(200);

    const revived = await createTable({ name: 'doomed', description: 'back', columns: [] });
    expect(revived.status).toBe(201);
    expect(await revived.json()).toMatchObject({ name: 'doomed', description: 'back', columns: [] });
    // The session continues where it stood.
    const next = await ingest('doomed', 's1', chain.slice(3, 6));
    expect(next.status).toBe(202);
    expect(await next.json()).toMatchObject({ accepted_count: 3, head: { seq: 6 } });
  });
});

describe('declared column types at ingest', () => {
  const TABLE = 'typed';
  let n = 0;
  const one = (payload: Record<string, unknown>) => {
    const session = `s${++n}`;
    const ev = { seq: 1, type: 't', ts: '2026-01-30T12:00:00Z', payload, prev_hash: GENESIS_HASH };
    return ingest(TABLE, session, [{ ...ev, hash: hashEvent(TABLE, session, ev) }]);
  };
  const base = { r: 'present' };

  beforeAll(async () => {
    const res = await createTable({
      name: TABLE,
      columns: [
        { name: 's', type: 'string' },
        { name: 'i', type: 'int64' },
        { name: 'd', type: 'double' },
        { name: 'b', type: 'boolean' },
        { name: 't', type: 'timestamp' },
        { name: 'j', type: 'json' },
        { name: 'r', type: 'string', required: true },
      ],
    });
    expect(res.status).toBe(201);
  });

  const MAX = Number.MAX_SAFE_INTEGER;
  const accepted: Record<string, unknown>[] = [
    { s: 'text', i: 42, d: 1.5, b: true, t: '2026-01-30T12:00:00.123Z', j: { any: ['thing'] } },
    { i: MAX },
    { i: -MAX },
    { i: 0, d: 7, b: false },
    { t: '2026-01-30T12:00:00+02:00' },
    { t: '2026-01-30t12:00:00z' },
    { j: null },
    { j: [1, 'two'] },
    { j: 'str' },
    { s: null, i: null, d: null, b: null, t: null },
    {},
    { unrelated: 'fields are not checked' },
  ];
  const refused: [Record<string, unknown>, string][] = [
    [{ s: 1 }, 's'],
    [{ s: ['a'] }, 's'],
    [{ i: MAX + 1 }, 'i'],
    [{ i: -MAX - 1 }, 'i'],
    [{ i: 1.5 }, 'i'],
    [{ i: '1' }, 'i'],
    [{ d: '1.5' }, 'd'],
    [{ b: 'true' }, 'b'],
    [{ b: 0 }, 'b'],
    [{ t: '2026-01-30' }, 't'],
    [{ t: '2026-01-30T12:00:00' }, 't'],
    [{ t: '2026-13-01T00:00:00Z' }, 't'],
    [{ t: 1769774400 }, 't'],
  ];

  it('accepts values of the declared types, and null or absent for optional columns', async () => {
    for (const payload of accepted) {
      const res = await one({ ...base, ...payload });
      expect(res.status, JSON.stringify(payload)).toBe(202);
    }
  });

  it('refuses a value of another type with 400 naming the field', async () => {
    for (const [payload, column] of refused) {
      const res = await one({ ...base, ...payload });
      expect(res.status, JSON.stringify(payload)).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe('invalid_request');
      expect(problem.errors).toEqual([expect.objectContaining({ path: `/events/0/payload/${column}` })]);
    }
  });

  it('refuses a required column that is absent or null', async () => {
    for (const payload of [{}, { r: null }]) {
      const res = await one(payload);
      expect(res.status).toBe(400);
      expect((await problemOf(res)).errors).toEqual([
        expect.objectContaining({ path: '/events/0/payload/r', message: expect.stringMatching(/required/) }),
      ]);
    }
  });

  it('lists every violation of a batch and writes none of it', async () => {
    const session = 'multi';
    const events: ClientEvent[] = [];
    let prev = GENESIS_HASH;
    for (const [seq, payload] of [
      [1, { r: 'ok' }],
      [2, { r: 'ok', i: 'x' }],
      [3, { b: 1 }],
    ] as const) {
      const ev = { seq, type: 't', ts: '2026-01-30T12:00:00Z', payload, prev_hash: prev };
      const full = { ...ev, hash: hashEvent(TABLE, session, ev) };
      events.push(full);
      prev = full.hash;
    }
    const before = await stack.logCount();
    const res = await ingest(TABLE, session, events);
    expect(res.status).toBe(400);
    const paths = (await problemOf(res)).errors.map((e: Json) => e.path).sort();
    expect(paths).toEqual(['/events/1/payload/i', '/events/2/payload/b', '/events/2/payload/r']);
    expect(await stack.logCount()).toBe(before);
    expect((await stack.request(`/v1/tables/${TABLE}/sessions/${session}`)).status).toBe(404);
  });
});
