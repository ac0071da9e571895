import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus } from '../../src/bus/index.js';
import { authenticateApiKey } from '../../src/tenancy/index.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import { createTestDatabase } from '../support/test-db.js';
import { uniquePrefix } from '../support/test-prefix.js';

const RUN_TIMEOUT_MS = 30_000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;
let env: Record<string, string>;

/** Runs `chainlake …` as a child process with only the test's settings in its environment. */
const chainlake = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> =>
  runCli(args, { ...env, ...extraEnv }, { cwd: dir, timeoutMs: RUN_TIMEOUT_MS, inheritEnv: false });

beforeAll(async () => {
  database = await createTestDatabase('cli');
  dir = await mkdtemp(join(tmpdir(), 'chainlake-cli-'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    DATABASE_URL: database.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    CHAINLAKE_PREFIX: uniquePrefix('cli'),
    CHAINLAKE_KEYS_DIR: join(dir, 'keys'),
    OBJECT_STORE: `file://${join(dir, 'lake')}`,
    LOG_LEVEL: 'error',
  };
});
afterAll(async () => {
  if (env) {
    const bus = await connectBus({ url: env.NATS_URL!, prefix: env.CHAINLAKE_PREFIX! });
    for (const stream of [bus.names.eventsStream, bus.names.rawStream])
      await bus.jsm.streams.delete(stream).catch(() => undefined);
    await bus.close();
  }
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('chainlake (the CLI)', () => {
  it('lists its commands with --help', async () => {
    const ran = await chainlake(['--help']);
    expect(ran.code).toBe(0);
    for (const command of ['serve', 'migrate', 'keys', 'tables']) expect(ran.stdout).toMatch(command);
  });

  it('migrate applies the migrations and creates the streams', async () => {
    const ran = await chainlake(['migrate']);
    expect(ran.code, ran.stderr).toBe(0);
    const bus = await connectBus({ url: env.NATS_URL!, prefix: env.CHAINLAKE_PREFIX! });
    try {
      const info = await bus.jsm.streams.info(bus.names.eventsStream);
      expect(info.config.subjects).toEqual([`${env.CHAINLAKE_PREFIX}.events.>`]);
    } finally {
      await bus.close();
    }
    expect((await chainlake(['migrate'])).code).toBe(0);
  });

  it('keys create prints only the key; keys list never shows it or its hash; keys revoke ends it', async () => {
    const created = await chainlake(['keys', 'create', '--tenant', 't1', '--roles', 'reader,ingest_writer']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^ck_[A-Za-z0-9_-]+\n$/);
    const key = created.stdout.trim();
    const principal = await authenticateApiKey(database.db, key);
    expect(principal).toMatchObject({ tenant: 't1' });
    expect([...principal!.roles].sort()).toEqual(['ingest_writer', 'reader']);

    const listed = await chainlake(['keys', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    const hash = createHash('sha256').update(key).digest('hex');
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toContain(hash);
    expect(listed.stdout).not.toMatch(/hash/i);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; tenant: string; revoked_at: string | null });
    const mine = rows.find((r) => r.id === principal!.keyId);
    expect(mine).toMatchObject({ tenant: 't1', revoked_at: null });

    const revoked = await chainlake(['keys', 'revoke', mine!.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const relisted = await chainlake(['keys', 'list', '--tenant', 't1']);
    const after = relisted.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; revoked_at: string | null });
    expect(after.find((r) => r.id === mine!.id)?.revoked_at).toEqual(expect.any(String));
    // This process cached the key for up to 5 s; the stored row is what the next lookup sees.
    const [row] = await database.db.sql<{ revoked: boolean }[]>`
      select revoked_at is not null as revoked from api_keys where id = ${mine!.id}`;
    expect(row!.revoked).toBe(true);

    const again = await chainlake(['keys', 'revoke', mine!.id]);
    expect(again.code).not.toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim().split('\n'), again.stderr).toHaveLength(1);
  });

  it('refuses an unknown role or a bad tenant without creating a key', async () => {
    const before = await database.db.sql<{ n: number }[]>`select count(*)::int as n from api_keys`;
    for (const args of [
      ['--tenant', 't1', '--roles', 'superuser'],
      ['--tenant', 'Bad Tenant', '--roles', 'reader'],
    ]) {
      const ran = await chainlake(['keys', 'create', ...args]);
      expect(ran.code).not.toBe(0);
      expect(ran.stdout).toBe('');
      expect(ran.stderr.trim().split('\n'), ran.stderr).toHaveLength(1);
    }
    const after = await database.db.sql<{ n: number }[]>`select count(*)::int as n from api_keys`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('tables create and tables list, per tenant', async () => {
    const created = await chainlake([
      'tables',
      'create',
      'llm_calls',
      '--columns',
      'model:string,tokens:int64',
      '--tenant',
      't1',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'llm_calls',
      columns: [
        { name: 'model', type: 'string', required: false },
        { name: 'tokens', type: 'int64', required: false },
      ],
    });
    const listed = await chainlake(['tables', 'list', '--tenant', 't1']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
    ).toEqual(['llm_calls']);
    const elsewhere = await chainlake(['tables', 'list', '--tenant', 't2']);
    expect(elsewhere.stdout).toBe('');

    const duplicate = await chainlake(['tables', 'create', 'llm_calls', '--tenant', 't1']);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr.trim().split('\n')).toHaveLength(1);
    expect(duplicate.stderr).toMatch(/exists/);
    const badType = await chainlake([
      'tables',
      'create',
      'other',
      '--columns',
      'x:varchar',
      '--tenant',
      't1',
    ]);
    expect(badType.code).not.toBe(0);
    expect(badType.stderr).toMatch(/type/);
  });

  it('stops on an invalid setting with one clear line naming the variable', async () => {
    for (const [name, value] of [
      ['PORT', 'abc'],
      ['CHAINLAKE_AUTH', 'maybe'],
      ['DATABASE_URL', 'mysql://x'],
    ] as const) {
      const ran = await chainlake(['migrate'], { [name]: value });
      expect(ran.code).not.toBe(0);
      expect(ran.code).not.toBeNull();
      const lines = ran.stderr.trim().split('\n');
      expect(lines, ran.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`\\b${name}\\b`));
      expect(ran.stdout).toBe('');
    }
    const badRoles = await chainlake(['serve', '--roles', 'api,frontend']);
    expect(badRoles.code).not.toBe(0);
    expect(badRoles.stderr.trim().split('\n'), badRoles.stderr).toHaveLength(1);
    expect(badRoles.stderr).toMatch(/--roles/);
  });
});
