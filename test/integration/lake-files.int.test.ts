import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { collectGarbage } from '../../src/lake/index.js';
import { cliEnv, runCli } from '../support/run-cli.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'lake_files';
const SESSIONS = ['a', 'b'];
const BATCHES = 3;
const PER_BATCH = 4;

let stack: TestStack;
let env: Record<string, string>;
let orphanKey: string;

const store = () => stack.running.services.store;
const stream = () => stack.bus.names.eventsStream.toLowerCase();
const dataKey = (date: string, first: number, tag: string, s = stream()) =>
  `default/${TABLE}/date=${date}/${s}-${String(first).padStart(12, '0')}-${String(first).padStart(12, '0')}-${tag.padEnd(12, '0')}.parquet`;

async function duckdb(sql: string): Promise<Json[]> {
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Json[];
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
}

async function latestFiles(): Promise<{ snapshot_id: number; files: { key: string }[] }> {
  const list = (await (await stack.request(`/v1/tables/${TABLE}/snapshots?limit=1`)).json()) as Json;
  return (await (
    await stack.request(`/v1/tables/${TABLE}/snapshots/${list.snapshots[0].snapshot_id}`)
  ).json()) as Json;
}

beforeAll(async () => {
  stack = await startTestStack('lakefiles');
  env = { ...cliEnv(stack.config), CHAINLAKE_ACK_WAIT_MS: '1000' };
  const created = await stack.request('/v1/tables', {
    method: 'POST',
    json: { name: TABLE, columns: [{ name: 'n', type: 'int64' }] },
  });
  expect(created.status).toBe(201);
  for (const session of SESSIONS) {
    const chain = makeTestChain(TABLE, session, BATCHES * PER_BATCH);
    for (let i = 0; i < chain.length; i += PER_BATCH) {
      const res = await stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true`, {
        method: 'POST',
        json: { session_id: session, events: chain.slice(i, i + PER_BATCH) },
      });
      expect((await res.json()) as Json).toMatchObject({ status: 'visible' });
    }
  }
  // What a crashed commit leaves behind: a real file no snapshot references.
  const { files } = await latestFiles();
  orphanKey = dataKey(files[0]!.key.match(/date=([\d-]+)/)![1]!, 1, 'dead');
  await store().put(orphanKey, (await store().get(files[0]!.key))!);
});
afterAll(() => stack?.stop());

describe('chainlake lake files', () => {
  it('prints the files DuckDB reads each committed record from exactly once', async () => {
    const run = await runCli(['lake', 'files', '--table', TABLE, '--duckdb'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expression = run.stdout.trim();
    expect(expression).toMatch(/^read_parquet\(\[.+\], union_by_name = true\)$/);
    expect(expression).not.toContain(orphanKey.split('/').pop());
    const [row] = await duckdb(
      `select count(*)::INTEGER as n, count(distinct (session_id, seq, kind))::INTEGER as d,
              sum(case when kind = 'event' then n end)::INTEGER as n_sum from ${expression}`,
    );
    const records = SESSIONS.length * BATCHES * (PER_BATCH + 1);
    const events = BATCHES * PER_BATCH;
    expect(row).toEqual({ n: records, d: records, n_sum: SESSIONS.length * ((events * (events + 1)) / 2) });

    // Globbing the directory instead would read the orphan's records a second time.
    const dir = expression.match(/'([^']+\/date=[^/]+)\//)![1];
    const [glob] = await duckdb(`select count(*)::INTEGER as n from read_parquet('${dir}/*.parquet')`);
    expect(glob.n).toBeGreaterThan(records);
  });

  it('lists a given snapshot, one URL a line, or as JSON lines', async () => {
    const latest = await latestFiles();
    const urls = await runCli(['lake', 'files', '--table', TABLE], env);
    expect(urls.stdout.trim().split('\n')).toEqual(latest.files.map((f: Json) => f.url));
    const first = await runCli(['lake', 'files', '--table', TABLE, '--snapshot', '1', '--json'], env);
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(latest.files[0]);
    const [row] = await duckdb(
      `select count(*)::INTEGER as n from read_parquet(['${new URL(lines[0].url).pathname}'])`,
    );
    expect(row.n).toBe(lines[0].rows);
  });

  it('says so when a table has no snapshot, with exit code 2', async () => {
    const run = await runCli(['lake', 'files', '--table', 'nothing_here'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has no snapshot yet/);
  });
});

describe('chainlake lake gc', () => {
  it('with --dry-run reports the orphan after one lease and deletes nothing', async () => {
    const run = await runCli(['lake', 'gc', '--dry-run'], env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Json;
    expect(report).toMatchObject({ orphans: [orphanKey], young: [], pending: [], dry_run: true });
    expect(await store().get(orphanKey)).not.toBeNull();
  });

  it('deletes an orphan older than the lease, keeps referenced files, young and uncommitted orphans and foreign objects', async () => {
    const referenced = (await latestFiles()).files.map((f) => f.key);
    const date = orphanKey.match(/date=([\d-]+)/)![1]!;
    const young = dataKey(date, 2, 'b0b0');
    // Unreferenced but its messages are above the watermark: a retried commit may still reference it.
    const pending = dataKey(date, 999_999, 'beef');
    await store().put(pending, new Uint8Array([1]));
    const foreign = [
      dataKey(date, 999_997, 'cafe', 'otherprefix_events'), // another deployment sharing the bucket
      `default/${TABLE}/metadata/v1.metadata.json`, // not a data file
    ];
    for (const key of foreign) await store().put(key, new Uint8Array([1]));
    const waited: number[] = [];
    const report = await collectGarbage(
      {
        db: stack.running.services.db,
        store: store(),
        eventsStream: stack.bus.names.eventsStream,
        leaseMs: stack.config.committer.ackWaitMs,
        // A commit in flight writes its file while gc waits out the lease.
        sleep: async (ms) => {
          waited.push(ms);
          await store().put(young, new Uint8Array([1]));
        },
      },
      {},
    );
    expect(waited).toEqual([stack.config.committer.ackWaitMs]);
    expect(report).toMatchObject({
      orphans: [orphanKey],
      young: [young],
      pending: [pending],
      dry_run: false,
    });
    expect(report.referenced).toBe(referenced.length);
    expect(await store().get(orphanKey)).toBeNull();
    expect(await store().get(young)).not.toBeNull();
    for (const key of [...referenced, ...foreign, pending])
      expect(await store().get(key), key).not.toBeNull();

    const again = await runCli(['lake', 'gc', '--tenant', 'default', '--table', TABLE, '--dry-run'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ orphans: [young], pending: [pending] });
  });
});
