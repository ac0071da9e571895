import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import type { ClientEvent } from '../../src/chain/index.js';
import { eventually, lakeCounts, readLatestSnapshotRows } from '../support/lake-check.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'agent_events';
let stack: TestStack;

const ingest = (session: string, events: ClientEvent[], query = '') =>
  stack.request(`/v1/ingest/${TABLE}${query}`, { method: 'POST', json: { session_id: session, events } });

beforeAll(async () => {
  stack = await startTestStack('commit');
  const res = await stack.request('/v1/tables', {
    method: 'POST',
    json: {
      name: TABLE,
      columns: [
        { name: 'n', type: 'int64' },
        { name: 'text', type: 'string' },
      ],
    },
  });
  expect(res.status).toBe(201);
});
afterAll(() => stack?.stop());

describe('committer', () => {
  it('makes a batch visible: wait_for_visibility answers 200 visible, then watermark, visibility and snapshot agree', async () => {
    const chain = makeTestChain(TABLE, 'golden', 30);
    const res = await ingest('golden', chain, '?wait_for_visibility=true&timeout_ms=15000');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Json;
    expect(answer).toMatchObject({ status: 'visible', visible: true, accepted_count: 30 });

    const vis = (await (await stack.request(`/v1/visibility/${answer.visibility_token}`)).json()) as Json;
    expect(vis.visible).toBe(true);
    const wm = (await (await stack.request(`/v1/tables/${TABLE}/watermark`)).json()) as Json;
    expect(wm).toMatchObject({ lag: { messages: 0 } });
    expect(typeof wm.watermark).toBe('string');
    expect(wm.snapshot_id).toBeGreaterThanOrEqual(1);

    const snaps = (await (await stack.request(`/v1/tables/${TABLE}/snapshots`)).json()) as Json;
    expect(snaps.snapshots[0]).toMatchObject({ snapshot_id: wm.snapshot_id, total_rows: 31 });
    const snapshot = (await (
      await stack.request(`/v1/tables/${TABLE}/snapshots/${wm.snapshot_id}`)
    ).json()) as Json;
    expect(snapshot.files).toHaveLength(snapshot.total_files);
    expect(snapshot.files[0].url).toMatch(/^file:\/\//);

    const rows = await readLatestSnapshotRows(stack, TABLE);
    const events = rows.filter((r) => r.kind === 'event' && r.session_id === 'golden');
    expect(events.map((r) => Number(r.seq))).toEqual(chain.map((e) => e.seq));
    expect(events[0]).toMatchObject({
      type: 'llm.call',
      hash: chain[0]!.hash,
      n: 1n,
      text: 'event 1',
      visibility_token: answer.visibility_token,
    });
    const seal = rows.find((r) => r.kind === 'seal' && r.session_id === 'golden');
    expect(seal).toMatchObject({
      type: 'CHAIN_SEAL',
      seq: 30n,
      hash: answer.seal.hash,
      prev_hash: answer.seal.prev_seal_hash,
    });

    const info = (await (await stack.request(`/v1/tables/${TABLE}/sessions/golden`)).json()) as Json;
    expect(info).toMatchObject({
      committed_head: { seq: 30 },
      accepted_head: { seq: 30 },
      event_count: 30,
      seal_count: 1,
    });
  });

  it('answers 202 accepted with visible false when the wait times out', async () => {
    await stack.restart(['api']);
    try {
      const res = await ingest(
        'no-committer',
        makeTestChain(TABLE, 'no-committer', 2),
        '?wait_for_visibility=true&timeout_ms=300',
      );
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ status: 'accepted', visible: false });
    } finally {
      await stack.restart(['api', 'committer']);
    }
    await eventually(
      async () => ((await lakeCounts(stack, TABLE)).postgres >= 31 + 3 ? true : false),
      20_000,
      'catch-up commit',
    );
  });

  it('commits many sessions exactly once, readable by DuckDB as well', async () => {
    const before = await lakeCounts(stack, TABLE);
    const sessions = Array.from({ length: 8 }, (_, i) => `many-${i}`);
    await Promise.all(
      sessions.map(async (s) => {
        const chain = makeTestChain(TABLE, s, 40);
        for (let i = 0; i < 40; i += 10) expect((await ingest(s, chain.slice(i, i + 10))).status).toBe(202);
      }),
    );
    const expected = before.postgres + 8 * (40 + 4);
    const counts = await eventually(async () => {
      const c = await lakeCounts(stack, TABLE);
      return c.postgres === expected && c.parquet === expected ? c : false;
    });
    expect(counts).toEqual({
      postgres: expected,
      postgresDistinct: expected,
      parquet: expected,
      parquetDistinct: expected,
    });

    const dir = await mkdtemp(join(tmpdir(), 'chainlake-duck-'));
    try {
      const wm = (await (await stack.request(`/v1/tables/${TABLE}/watermark`)).json()) as Json;
      const snapshot = (await (
        await stack.request(`/v1/tables/${TABLE}/snapshots/${wm.snapshot_id}`)
      ).json()) as Json;
      const paths: string[] = [];
      for (const [i, f] of (snapshot.files as { key: string }[]).entries()) {
        const p = join(dir, `${i}.parquet`);
        await writeFile(p, (await stack.running.services.store.get(f.key))!);
        paths.push(p);
      }
      const duck = await DuckDBInstance.create(':memory:');
      const conn = await duck.connect();
      const list = paths.map((p) => `'${p}'`).join(',');
      const reader = await conn.runAndReadAll(
        `select count(*)::INTEGER as n, count(distinct (session_id, seq, kind))::INTEGER as d,
                min(typeof(ts)) as ts_type, sum(n)::BIGINT as n_sum
         from read_parquet([${list}]) where session_id like 'many-%'`,
      );
      const [row] = reader.getRowObjects();
      expect(row).toMatchObject({
        n: 8 * 44,
        d: 8 * 44,
        ts_type: 'TIMESTAMP WITH TIME ZONE',
        n_sum: BigInt(8 * ((40 * 41) / 2)),
      });
      conn.closeSync();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exposes Prometheus metrics for ingest results, commits and lag', async () => {
    const res = await stack.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/chainlake_ingest_requests_total\{transport="http",code="accepted"\} \d+/);
    expect(text).toMatch(/chainlake_commit_duration_seconds_count \d+/);
    expect(text).toMatch(/chainlake_commit_rows_total [1-9]\d*/);
    expect(text).toMatch(/chainlake_lag_messages 0/);
    expect(text).toMatch(/chainlake_watermark_seq [1-9]\d*/);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(/^chainlake_/);
  });
});
