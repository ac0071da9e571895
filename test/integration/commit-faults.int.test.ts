import { rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import type { ClientEvent } from '../../src/chain/index.js';
import { eventually, lakeCounts } from '../support/lake-check.js';
import { startPgServer, type PgServer } from '../support/pg-server.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'agent_events';
const SESSIONS = 3;

let stack: TestStack | undefined;
let pg: PgServer | undefined;
let s3: S3rverHandle | undefined;
afterEach(async () => {
  await stack?.stop();
  await pg?.destroy();
  await s3?.stop();
  stack = pg = s3 = undefined;
});

const chains = new Map<string, ClientEvent[]>();
const chainOf = (session: string) => {
  if (!chains.has(session)) chains.set(session, makeTestChain(TABLE, session, 40));
  return chains.get(session)!;
};

function ingest(s: TestStack, session: string, from: number, to: number, query = '') {
  return s.request(`/v1/ingest/${TABLE}${query}`, {
    method: 'POST',
    json: { session_id: session, events: chainOf(session).slice(from, to) },
  });
}

async function createTable(s: TestStack) {
  expect((await s.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
}

async function metric(s: TestStack, name: string): Promise<number> {
  const text = await (await s.request('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function expectAllCommitted(s: TestStack, records: number) {
  const counts = await eventually(
    async () => {
      const c = await lakeCounts(s, TABLE).catch(() => null);
      return c && c.postgres >= records && c.parquet >= records ? c : false;
    },
    45_000,
    `${records} records committed`,
  );
  expect(counts).toEqual({
    postgres: records,
    postgresDistinct: records,
    parquet: records,
    parquetDistinct: records,
  });
}

describe('committer under dependency faults', () => {
  it('Postgres down: the log keeps taking batches, the committer naks, and catches up without loss', async () => {
    pg = await startPgServer();
    stack = await startTestStack('pgdown', { env: { DATABASE_URL: pg.url('chainlake_faults') } });
    await createTable(stack);
    for (let i = 0; i < SESSIONS; i++)
      expect((await ingest(stack, `pg-${i}`, 0, 10, '?wait_for_visibility=true')).status).toBe(200);

    await pg.stop();
    for (let i = 0; i < SESSIONS; i++) expect((await ingest(stack, `pg-${i}`, 10, 20)).status).toBe(202);
    // A brand-new session needs the committed head from Postgres: refused, nothing written.
    const before = await stack.logCount();
    const refused = await ingest(stack, 'pg-new', 0, 5);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await stack.logCount()).toBe(before);
    await eventually(async () => (await metric(stack!, 'chainlake_commit_naks_total')) > 0, 20_000, 'a nak');

    await pg.start();
    await expectAllCommitted(stack, SESSIONS * (20 + 2));
  });

  it('object store failing: commits nak until it is back, then everything commits once', async () => {
    stack = await startTestStack('storedown');
    await createTable(stack);
    expect((await ingest(stack, 'st-0', 0, 10, '?wait_for_visibility=true')).status).toBe(200);
    const lake = fileURLToPath(stack.config.objectStore.replace(/^file:\/\//, 'file://'));
    await rename(lake, `${lake}.away`);
    await writeFile(lake, 'not a directory'); // every write under it now fails with ENOTDIR

    for (let i = 0; i < SESSIONS; i++)
      expect((await ingest(stack, `st-${i}`, i === 0 ? 10 : 0, 20)).status).toBe(202);
    await eventually(async () => (await metric(stack!, 'chainlake_commit_naks_total')) > 0, 20_000, 'a nak');
    const ready = (await (await stack.request('/readyz')).json()) as Json;
    expect(ready.checks.object_store).toMatch(/^failing/);

    await rm(lake);
    await rename(`${lake}.away`, lake);
    await expectAllCommitted(stack, SESSIONS * 20 + 1 + SESSIONS);
  });

  it('commits to S3 (s3rver) with the same guarantees as the local directory', async () => {
    s3 = await startS3rver();
    stack = await startTestStack('s3commit', {
      env: {
        OBJECT_STORE: `s3://${s3.bucket}/lake`,
        S3_ENDPOINT: s3.endpoint,
        S3_REGION: s3.region,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
    });
    await createTable(stack);
    for (let i = 0; i < SESSIONS; i++) {
      expect((await ingest(stack, `s3-${i}`, 0, 20)).status).toBe(202);
      expect((await ingest(stack, `s3-${i}`, 20, 40, '?wait_for_visibility=true')).status).toBe(200);
    }
    await expectAllCommitted(stack, SESSIONS * 42);
    const wm = (await (await stack.request(`/v1/tables/${TABLE}/watermark`)).json()) as Json;
    const snapshot = (await (
      await stack.request(`/v1/tables/${TABLE}/snapshots/${wm.snapshot_id}`)
    ).json()) as Json;
    expect(snapshot.files[0].url).toMatch(
      new RegExp(`^s3://${s3.bucket}/lake/default/${TABLE}/date=\\d{4}-\\d{2}-\\d{2}/`),
    );
  });

  it("refuses to commit a re-created stream with the old stream's watermark", async () => {
    stack = await startTestStack('recreated');
    await createTable(stack);
    expect((await ingest(stack, 're-0', 0, 5, '?wait_for_visibility=true')).status).toBe(200);
    await stack.restart(['api']);
    await stack.bus.jsm.streams.delete(stack.bus.names.eventsStream);
    await expect(stack.restart(['api', 'committer'])).rejects.toThrow(/re-created/);
    await stack.restart(['api']); // leave a running stack for stop()
  });
});
