import net from 'node:net';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import type { CommitObservation } from '../../src/commit/index.js';
import { startPgServer, type PgServer } from '../support/pg-server.js';
import { runCli } from '../support/run-cli.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(200);
  }
}

describe('/readyz tells the truth', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('edgeready');
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'r' } })).status).toBe(201);
  });
  afterAll(() => stack?.stop());

  it("reports the committer's failure and since when while the object store fails, and recovers", async () => {
    const ok = (await (await stack.request('/readyz')).json()) as Json;
    expect(ok.roles).toEqual(['api', 'committer']);
    expect(ok.components.committer.status).not.toBe('failing');
    // The store's directory replaced by a file: every commit fails, the probe's tiny write too.
    const lake = fileURLToPath(stack.config.objectStore);
    await rename(lake, `${lake}.away`).catch(() => undefined);
    await writeFile(lake, 'not a directory');
    try {
      const events = makeTestChain('r', 's', 2);
      expect(
        (await stack.request('/v1/ingest/r', { method: 'POST', json: { session_id: 's', events } })).status,
      ).toBe(202);
      const failing = await until('a failing committer on /readyz', 20_000, async () => {
        const res = await stack.request('/readyz');
        const body = (await res.json()) as Json;
        return body.components.committer.status === 'failing' ? { res, body } : undefined;
      });
      expect(failing.res.status).toBe(503);
      expect(failing.body.status).toBe('not_ready');
      const committer = failing.body.components.committer;
      expect(Date.parse(committer.since)).toBeGreaterThan(Date.now() - 60_000);
      expect(committer.last_failure_at).toEqual(expect.any(String));
      expect(committer.consecutive_failures).toBeGreaterThanOrEqual(1);
      expect(failing.body.checks.committer).toMatch(/^failing since /);
      expect(failing.body.components.object_store.status).toBe('failing');
    } finally {
      await rm(lake, { force: true });
      await rename(`${lake}.away`, lake).catch(() => undefined);
    }
    const recovered = await until('a ready process again', 30_000, async () => {
      const res = await stack.request('/readyz');
      return res.status === 200 ? ((await res.json()) as Json) : undefined;
    });
    expect(recovered.components.committer.status).toBe('ok');
  });

  it('is 503 naming postgres while Postgres is down, for an api + committer process', async () => {
    const pg: PgServer = await startPgServer();
    const own = await startTestStack('edgereadypg', { env: { DATABASE_URL: pg.url('chainlake_ready') } });
    try {
      expect((await own.request('/readyz')).status).toBe(200);
      await pg.stop();
      const started = Date.now();
      const res = await own.request('/readyz');
      expect(Date.now() - started).toBeLessThan(3_500);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Json;
      expect(body.components.postgres.status).toBe('failing');
      expect(body.checks.postgres).toMatch(/^failing: /);
      await pg.start();
      await until('ready after Postgres is back', 20_000, async () =>
        (await own.request('/readyz')).status === 200 ? true : undefined,
      );
    } finally {
      await own.stop();
      await pg.destroy();
    }
  });
});

describe('the in-process committer never runs under the API deadline', () => {
  const seen: CommitObservation[] = [];
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('edgecommitdb', {
      env: { CHAINLAKE_DB_TIMEOUT_MS: '200' },
      start: { observeCommits: (e) => seen.push(e) },
    });
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'c' } })).status).toBe(201);
  });
  afterAll(() => stack?.stop());

  it('commits a batch whose transaction waits 1.5 s on a lock, past the 200 ms API deadline', async () => {
    const locker = postgres(stack.config.databaseUrl, { max: 1, onnotice: () => {} });
    const reserved = await locker.reserve();
    try {
      await reserved`begin`;
      await reserved`lock table stream_progress in exclusive mode`;
      const events = makeTestChain('c', 's', 3);
      expect(
        (await stack.request('/v1/ingest/c', { method: 'POST', json: { session_id: 's', events } })).status,
      ).toBe(202);
      await sleep(1500);
    } finally {
      await reserved`rollback`;
      reserved.release();
      await locker.end({ timeout: 1 });
    }
    await until('the batch committed', 15_000, async () =>
      seen.some((e) => e.kind === 'committed') ? true : undefined,
    );
    expect(seen.filter((e) => e.kind === 'failed')).toEqual([]);
  });
});

describe('start-up against a Postgres that never answers', () => {
  let server: net.Server;
  const sockets: net.Socket[] = [];
  let port = 0;
  let dir: string;
  beforeAll(async () => {
    // Accepts TCP and holds it open, saying nothing: what a blackholed address looks like after connect.
    server = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'chainlake-edge-start-'));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('fails within ~10 s with one line naming Postgres and DATABASE_URL', async () => {
    const started = Date.now();
    const run = await runCli(
      ['serve'],
      {
        DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/chainlake`,
        CHAINLAKE_AUTH: 'off',
        PORT: '0',
        OBJECT_STORE: `file://${join(dir, 'lake')}`,
        CHAINLAKE_KEYS_DIR: join(dir, 'keys'),
        LOG_LEVEL: 'error',
      },
      { timeoutMs: 30_000 },
    );
    const took = Date.now() - started;
    expect(run.code).not.toBe(0);
    expect(took).toBeLessThan(14_000);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PostgreSQL/);
    expect(lines[0]).toContain('DATABASE_URL');
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
  });
});
