import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { alterStoredLine, withPayload } from '../support/alter-stored.js';

const TABLE = 'agent_events';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let stack: TestStack;

const base = (session: string) => `/v1/tables/${TABLE}/sessions/${session}`;

/** Ingests a chain in batches of the given sizes, each answered only once it is committed. */
async function ingestVisible(session: string, chain: ClientEvent[], sizes: number[], tenant?: string) {
  let at = 0;
  for (const size of sizes) {
    const res = await stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true&timeout_ms=15000`, {
      method: 'POST',
      tenant,
      json: { session_id: session, events: chain.slice(at, at + size) },
    });
    expect(await res.json()).toMatchObject({ status: 'visible' });
    at += size;
  }
}

const page = async (session: string, query = '') => {
  const res = await stack.request(`${base(session)}/events${query}`);
  expect(res.status).toBe(200);
  return { text: await res.text(), res };
};

const kinds = (records: Json[]) => records.map((r) => (r.kind === 'seal' ? `s${r.seq}` : r.seq));

const db = () => stack.running.services.db;

beforeAll(async () => {
  stack = await startTestStack('replay', { roles: ['api', 'committer'] });
  for (const tenant of ['default', 'other']) {
    const res = await stack.request('/v1/tables', { method: 'POST', tenant, json: { name: TABLE } });
    expect(res.status).toBe(201);
  }
  await ingestVisible('s1', makeTestChain(TABLE, 's1', 25), [10, 10, 5]);
});
afterAll(() => stack?.stop());

describe('GET …/events', () => {
  it('serves committed records in stored order, each seal right after the event it ends at', async () => {
    const { text, res } = await page('s1');
    const body = JSON.parse(text) as Json;
    expect(kinds(body.events)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 's10'],
      ...[11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 's20'],
      ...[21, 22, 23, 24, 25, 's25'],
    ]);
    expect(body.next_after_seq).toBeNull();
    expect(body.watermark).toMatch(/^v1\.\d+$/);
    expect(res.headers.get('chainlake-watermark')).toBe(body.watermark);
    const chain = makeTestChain(TABLE, 's1', 25);
    expect(body.events[0]).toEqual({
      table: TABLE,
      session_id: 's1',
      kind: 'event',
      ...chain[0],
      status: 'AUTHORITATIVE',
      visibility_token: expect.stringMatching(/^v1\.\d+$/),
    });
    expect(body.events[10]).toMatchObject({
      kind: 'seal',
      type: 'CHAIN_SEAL',
      tenant: 'default',
      table: TABLE,
      session_id: 's1',
      from_seq: 1,
      seq: 10,
      head_hash: chain[9]!.hash,
    });
    // Each event carries the token of the batch that accepted it; the watermark covers them all.
    expect(body.events[0].visibility_token).not.toBe(body.events[11].visibility_token);
  });

  it('answers the same bytes to the same question', async () => {
    const [a, b] = [await page('s1', '?after_seq=3&limit=9'), await page('s1', '?after_seq=3&limit=9')];
    expect(a.text).toBe(b.text);
    expect(a.text.length).toBeGreaterThan(100);
  });

  it('pages by client events, ending each page with the seals that follow its last event', async () => {
    const first = JSON.parse((await page('s1', '?limit=10')).text) as Json;
    expect(kinds(first.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 's10']);
    expect(first.next_after_seq).toBe(10);

    const all: Json[] = [];
    const ends: (number | null)[] = [];
    for (let after: number | null = 0; after !== null;) {
      const p = JSON.parse((await page('s1', `?after_seq=${after}&limit=7`)).text) as Json;
      expect(p.events.filter((r: Json) => r.kind === 'event').length).toBeLessThanOrEqual(7);
      all.push(...p.events);
      ends.push(p.next_after_seq);
      after = p.next_after_seq;
    }
    expect(ends).toEqual([7, 14, 21, null]);
    expect(all).toEqual(JSON.parse((await page('s1')).text).events);
    expect(JSON.parse((await page('s1', '?after_seq=25')).text)).toMatchObject({
      events: [],
      next_after_seq: null,
    });
  });

  it('streams NDJSON with the watermark header, the same records line by line', async () => {
    const res = await stack.request(`${base('s1')}/events?after_seq=5`, {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const json = await page('s1', '?after_seq=5');
    expect(json.text.startsWith(`{"events":[${lines.join(',')}],`)).toBe(true);
    expect(res.headers.get('chainlake-watermark')).toBe(JSON.parse(json.text).watermark);

    const limited = await stack.request(`${base('s1')}/events?after_seq=5&limit=5`, {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(
      kinds(
        (await limited.text())
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ),
    ).toEqual([6, 7, 8, 9, 10, 's10']);
  });

  it('answers 404 session_not_found for an unknown session and for another tenant', async () => {
    for (const [path, tenant, accept] of [
      [`${base('nope')}/events`, undefined, undefined],
      [`${base('nope')}/events`, undefined, 'application/x-ndjson'],
      [`${base('s1')}/events`, 'other', undefined],
      [`${base('s1')}/verify`, 'other', undefined],
      [`/v1/tables/No-Table/sessions/s1/events`, undefined, undefined],
    ] as const) {
      const res = await stack.request(path, { tenant, headers: accept ? { accept } : {} });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as Json).code).toBe('session_not_found');
    }
  });

  it('answers 400 invalid_request for bad paging parameters', async () => {
    for (const q of ['after_seq=-1', 'after_seq=x', 'limit=0', 'limit=1001', 'limit=2.5']) {
      const res = await stack.request(`${base('s1')}/events?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_request', errors: [expect.anything()] });
    }
  });
});

describe('GET …/verify', () => {
  it('finds a committed session valid', async () => {
    const res = await stack.request(`${base('s1')}/verify`);
    expect(await res.json()).toEqual({ valid: true, checked_events: 25, checked_seals: 3, errors: [] });
  });

  it('reports an event payload altered in Postgres, naming its seq', async () => {
    await ingestVisible('s-alter', makeTestChain(TABLE, 's-alter', 6), [6]);
    await alterStoredLine(
      db(),
      { table: TABLE, session: 's-alter', seq: 3, kind: 'event' },
      withPayload(canonicalJson({ n: 999, text: 'event 3' })),
    );
    const report = (await (await stack.request(`${base('s-alter')}/verify`)).json()) as Json;
    expect(report.valid).toBe(false);
    expect(report.errors).toContainEqual(expect.objectContaining({ seq: 3, code: 'hash_mismatch' }));
    // Replay serves what is stored, so an offline verifier sees the same change.
    const records = JSON.parse((await page('s-alter')).text).events as Json[];
    expect(records[2].payload).toEqual({ n: 999, text: 'event 3' });
  });

  it('reports a seal altered in Postgres, in its signed body or in its hash', async () => {
    await ingestVisible('s-seal', makeTestChain(TABLE, 's-seal', 9), [3, 3, 3]);
    const reseal = (edit: (seal: Json) => Json) => (line: string) => {
      const { kind: _kind, ...seal } = JSON.parse(line) as Json;
      return `{"kind":"seal",${canonicalJson(edit(seal)).slice(1)}`;
    };
    await alterStoredLine(
      db(),
      { table: TABLE, session: 's-seal', seq: 6, kind: 'seal' },
      reseal((s) => ({ ...s, sealed_at: '2020-01-01T00:00:00.000Z' })),
    );
    await alterStoredLine(
      db(),
      { table: TABLE, session: 's-seal', seq: 9, kind: 'seal' },
      reseal((s) => ({ ...s, hash: 'e'.repeat(64) })),
    );
    const report = (await (await stack.request(`${base('s-seal')}/verify`)).json()) as Json;
    expect(report).toMatchObject({ valid: false, checked_events: 9, checked_seals: 3 });
    expect(report.errors).toContainEqual(expect.objectContaining({ seq: 6, code: 'seal_signature_invalid' }));
    expect(report.errors).toContainEqual(expect.objectContaining({ seq: 9, code: 'seal_hash_mismatch' }));
  });

  it('serves a stored line that is not JSON any more as stored, and reports it', async () => {
    await ingestVisible('s-junk', makeTestChain(TABLE, 's-junk', 2), [2]);
    await alterStoredLine(
      db(),
      { table: TABLE, session: 's-junk', seq: 2, kind: 'event' },
      withPayload('not json'),
    );
    const res = await stack.request(`${base('s-junk')}/events`, {
      headers: { accept: 'application/x-ndjson' },
    });
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"payload":not json,');
    expect([JSON.parse(lines[0]!).kind, JSON.parse(lines[2]!).kind]).toEqual(['event', 'seal']);
    const report = (await (await stack.request(`${base('s-junk')}/verify`)).json()) as Json;
    expect(report.valid).toBe(false);
    expect(report.errors).toContainEqual(expect.objectContaining({ code: 'invalid_record' }));
  });
});
