import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { toParquet, type LakeRecord } from '../../src/commit/index.js';
import { alterStoredLine, withPayload } from '../support/alter-stored.js';
import { cliEnv, runCli } from '../support/run-cli.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'agent_events';
let stack: TestStack;
let dir: string;

const cli = (args: string[]) => runCli(args, cliEnv(stack.config));

const replay = (session: string, from: string) =>
  cli(['replay', '--tenant', 'default', '--table', TABLE, '--session', session, '--from', from]);
const verifyApi = async (session: string, source: string) =>
  (await (
    await stack.request(`/v1/tables/${TABLE}/sessions/${session}/verify?source=${source}`)
  ).json()) as Json;

beforeAll(async () => {
  stack = await startTestStack('tamper', { roles: ['api', 'committer'] });
  dir = await mkdtemp(join(tmpdir(), 'chainlake-tamper-'));
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  for (const session of ['intact', 'altered']) {
    const chain = makeTestChain(TABLE, session, 12);
    for (const [from, to] of [
      [0, 5],
      [5, 12],
    ] as const) {
      const res = await stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true&timeout_ms=15000`, {
        method: 'POST',
        json: { session_id: session, events: chain.slice(from, to) },
      });
      expect(res.status).toBe(200);
    }
  }
  await writeFile(join(dir, 'keys.json'), await (await stack.request('/v1/keys')).text());
});
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites the lake file holding `session`'s event `seq` with that event's payload changed. */
async function alterParquetRow(session: string, seq: number): Promise<void> {
  const db = stack.running.services.db;
  const [file] = await db.sql<{ key: string; min: string; max: string }[]>`
    select f.key, f.min_stream_seq::text as min, f.max_stream_seq::text as max from lake_files f
    join batches b on b.tenant = f.tenant and b.table_name = f.table_name
      and b.stream_seq between f.min_stream_seq and f.max_stream_seq
    where b.session_id = ${session} and b.from_seq <= ${seq} and b.to_seq >= ${seq}`;
  const rows = await db.sql<Json[]>`
    select * from records where table_name = ${TABLE} and stream_seq between ${file!.min} and ${file!.max}
    order by stream_seq, records.seq, kind`;
  const records: LakeRecord[] = rows.map((r) => ({
    tenant: r.tenant,
    table: r.table_name,
    session_id: r.session_id,
    seq: Number(r.seq),
    kind: r.kind,
    type: r.type,
    ts: r.ts,
    payload:
      r.session_id === session && Number(r.seq) === seq && r.kind === 'event'
        ? '{"n":4,"text":"rewritten"}'
        : r.payload,
    fields: null,
    prev_hash: r.prev_hash,
    hash: r.hash,
    visibility_token: r.visibility_token,
    ingested_at: new Date(r.ingested_at),
    stream_seq: Number(r.stream_seq),
  }));
  await stack.running.services.store.put(file!.key, toParquet(records, []));
}

describe('tamper detection at rest', () => {
  it('verifies the lake like the database, and replays the same bytes from both', async () => {
    expect(await verifyApi('intact', 'lake')).toMatchObject({
      valid: true,
      checked_events: 12,
      checked_seals: 2,
      errors: [],
    });
    const fromDb = await replay('intact', 'db');
    const fromLake = await replay('intact', 'lake');
    expect(fromLake.code).toBe(0);
    expect(fromLake.stdout).toBe(fromDb.stdout);
  });

  it('reports a row altered in a Parquet file, naming its seq, through the API and the CLI', async () => {
    await alterParquetRow('altered', 4);
    const report = await verifyApi('altered', 'lake');
    expect(report.valid).toBe(false);
    expect(report.errors).toContainEqual(expect.objectContaining({ seq: 4, code: 'hash_mismatch' }));
    expect((await verifyApi('altered', 'db')).valid).toBe(true);

    const file = join(dir, 'altered.ndjson');
    await writeFile(file, (await replay('altered', 'lake')).stdout);
    const verdict = await cli(['verify', file, '--keys', join(dir, 'keys.json')]);
    expect(verdict.code).toBe(1);
    expect(verdict.stdout).toMatch(/^seq 4\thash_mismatch\t/m);
  });

  it('reports an event altered in Postgres through the API and the CLI', async () => {
    await alterStoredLine(
      stack.running.services.db,
      { table: TABLE, session: 'intact', seq: 7, kind: 'event' },
      withPayload('{"n":7,"text":"forged"}'),
    );
    const report = await verifyApi('intact', 'db');
    expect(report.errors).toContainEqual(expect.objectContaining({ seq: 7, code: 'hash_mismatch' }));
    const file = join(dir, 'intact.ndjson');
    await writeFile(file, (await replay('intact', 'db')).stdout);
    const verdict = await cli(['verify', file, '--keys', join(dir, 'keys.json')]);
    expect(verdict.code).toBe(1);
    expect(verdict.stdout).toMatch(/^seq 7\thash_mismatch\t/m);
  });
});
