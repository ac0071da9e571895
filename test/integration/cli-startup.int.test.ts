import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus } from '../../src/bus/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { parseDatabaseUrl, withDatabase } from '../../src/db/index.js';
import { freePort } from '../support/ports.js';
import { assertBuilt, runCli, type CliRun } from '../support/run-cli.js';
import { runProgram } from '../support/run-program.js';
import { adminClient, createTestDatabase, dropDatabase, testDbName } from '../support/test-db.js';
import { uniquePrefix } from '../support/test-prefix.js';

const BIN = fileURLToPath(new URL('../../bin/chainlake.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let maintenanceUrl: string;
let dir: string;
let env: Record<string, string>;
const prefixes: string[] = [];
const extraDatabases: string[] = [];

const chainlake = (args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runCli(args, { ...env, ...extra }, { cwd: dir, timeoutMs: 30_000, inheritEnv: false });

/** One line on stderr, no stack trace, nothing on stdout. */
function expectOneLine(ran: CliRun, code = 1): string {
  expect(ran.code, ran.stderr).toBe(code);
  expect(ran.stdout).toBe('');
  const lines = ran.stderr.trim().split('\n');
  expect(lines, ran.stderr).toHaveLength(1);
  expect(ran.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = adminClient(maintenanceUrl);
  try {
    return (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

beforeAll(async () => {
  assertBuilt();
  database = await createTestDatabase('clistart');
  maintenanceUrl = parseDatabaseUrl(database.url).maintenanceUrl;
  dir = await mkdtemp(join(tmpdir(), 'chainlake-clistart-'));
  const prefix = uniquePrefix('clistart');
  prefixes.push(prefix);
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    DATABASE_URL: database.url,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    CHAINLAKE_PREFIX: prefix,
    CHAINLAKE_KEYS_DIR: join(dir, 'keys'),
    OBJECT_STORE: `file://${join(dir, 'lake')}`,
    LOG_LEVEL: 'error',
    // Never a 10 GiB byte reservation on the shared NATS server.
    CHAINLAKE_STREAM_MAX_BYTES: String(64 * 1024 * 1024),
  };
});
afterAll(async () => {
  const bus = await connectBus({ url: env.NATS_URL!, prefix: 'unused' });
  for (const prefix of prefixes)
    for (const kind of ['EVENTS', 'RAW'])
      await bus.jsm.streams
        .delete(`${prefix.toUpperCase().replace(/-/g, '_')}_${kind}`)
        .catch(() => undefined);
  await bus.close();
  for (const name of extraDatabases) await dropDatabase(maintenanceUrl, name);
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('chainlake for a new user', () => {
  it('prints its version', async () => {
    const ran = await chainlake(['--version']);
    expect(ran.code).toBe(0);
    expect(ran.stdout.trim()).toBe(VERSION);
  });

  it('describes every command and names the environment and .env it reads', async () => {
    for (const args of [[], ['keys'], ['tables'], ['rejections']]) {
      const ran = await chainlake([...args, '--help']);
      expect(ran.code, ran.stderr).toBe(0);
      const commands = ran.stdout.split('Commands:\n')[1]!.split('\n\n')[0]!.split('\n');
      const names = commands.filter((l) => /^ {2}\S/.test(l));
      expect(names.length).toBeGreaterThan(1);
      for (const line of names) expect(line, `${args.join(' ')}: ${line}`).toMatch(/^ {2}\S.*\S {2,}\S/);
      expect(ran.stdout).toContain(`.env file in the current directory (none in ${dir})`);
    }
    const top = await chainlake(['--help']);
    for (const name of ['DATABASE_URL', 'NATS_URL', 'CHAINLAKE_PREFIX', 'OBJECT_STORE', 'CHAINLAKE_KEYS_DIR'])
      expect(top.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
  });

  it('read commands never create a database: a missing one is one line naming DATABASE_URL', async () => {
    const name = testDbName('t', 'missing');
    const url = withDatabase(database.url, name);
    for (const args of [
      ['replay', '--table', 'agent_events', '--session', 's1'],
      ['tables', 'list'],
      ['keys', 'list'],
      ['rejections', 'list'],
    ]) {
      const line = expectOneLine(await chainlake(args, { DATABASE_URL: url }));
      expect(line).toBe(
        `chainlake: the database ${url} (DATABASE_URL) does not exist; start chainlake or run \`chainlake migrate\` first`,
      );
    }
    expect(await databaseExists(name)).toBe(false);
  });

  it('replay --from nats creates no stream: a missing one is one line naming the prefix', async () => {
    const prefix = uniquePrefix('clinostream');
    prefixes.push(prefix);
    const line = expectOneLine(
      await chainlake(['replay', '--table', 't', '--session', 's', '--from', 'nats'], {
        CHAINLAKE_PREFIX: prefix,
      }),
    );
    expect(line).toMatch(new RegExp(`no stream \\S+_EVENTS \\(CHAINLAKE_PREFIX=${prefix}\\)`));
    const bus = await connectBus({ url: env.NATS_URL!, prefix });
    try {
      await expect(bus.jsm.streams.info(bus.names.eventsStream)).rejects.toThrow(/stream not found/);
    } finally {
      await bus.close();
    }
  });

  it('read commands never migrate: an empty database stays empty', async () => {
    const name = testDbName('t', 'empty');
    const admin = adminClient(maintenanceUrl);
    await admin.unsafe(`CREATE DATABASE "${name}"`).finally(() => admin.end({ timeout: 5 }));
    extraDatabases.push(name);
    const url = withDatabase(database.url, name);
    const line = expectOneLine(await chainlake(['tables', 'list'], { DATABASE_URL: url }));
    expect(line).toMatch(/lacks \d+ chainlake migration\(s\); run `chainlake migrate` first$/);
    const client = adminClient(url);
    try {
      const tables = await client`select table_schema, table_name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema')`;
      expect(tables).toEqual([]);
    } finally {
      await client.end({ timeout: 5 });
    }
  });

  it('names the service, the variable and the redacted URL when it cannot connect', async () => {
    const port = await freePort();
    const pgUrl = `postgres://app:s3cret@127.0.0.1:${port}/chainlake`;
    for (const args of [['tables', 'list'], ['serve'], ['migrate']]) {
      const line = expectOneLine(await chainlake(args, { DATABASE_URL: pgUrl }));
      expect(line).toBe(
        `chainlake: cannot reach PostgreSQL at postgres://app:***@127.0.0.1:${port}/chainlake (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:${port}`,
      );
    }
    const natsUrl = `nats://t0ken@127.0.0.1:${port}`;
    for (const args of [['replay', '--table', 't', '--session', 's', '--from', 'nats'], ['serve']]) {
      const line = expectOneLine(await chainlake(args, { NATS_URL: natsUrl }));
      expect(line).toBe(
        `chainlake: cannot reach NATS at nats://***@127.0.0.1:${port} (NATS_URL): connect ECONNREFUSED 127.0.0.1:${port}`,
      );
    }
  });

  it('migrate creates the database and the streams but no seal key', async () => {
    const name = testDbName('t', 'migrate');
    extraDatabases.push(name);
    const prefix = uniquePrefix('climig');
    prefixes.push(prefix);
    const keysDir = join(dir, 'migrate-keys');
    const ran = await chainlake(['migrate'], {
      DATABASE_URL: withDatabase(database.url, name),
      CHAINLAKE_PREFIX: prefix,
      CHAINLAKE_KEYS_DIR: keysDir,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(await databaseExists(name)).toBe(true);
    expect(existsSync(keysDir)).toBe(false);
    const list = await chainlake(['tables', 'list'], { DATABASE_URL: withDatabase(database.url, name) });
    expect(list.code, list.stderr).toBe(0);
  });

  it('serve runs the compiled code: logs what it started, commits on its thread, logs its stop', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--roles', 'api,committer'], {
      cwd: dir,
      env: {
        ...env,
        PORT: '0',
        LOG_LEVEL: 'info',
        CHAINLAKE_AUTH: 'off',
        DATABASE_URL: database.url.replace('postgres://', 'postgres://postgres:pw@'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = once(child, 'exit');
    try {
      const started = await waitForLog(() => stderr, 'chainlake started', 30_000);
      expect(started).toMatchObject({
        level: 'info',
        roles: ['api', 'committer'],
        database: expect.stringMatching(/^postgres:\/\/postgres:\*\*\*@/),
        prefix: env.CHAINLAKE_PREFIX,
        streams: [expect.stringMatching(/_EVENTS$/), expect.stringMatching(/_RAW$/)],
        objectStore: env.OBJECT_STORE,
        port: expect.any(Number),
      });
      const url = started.url as string;
      expect((await fetch(`${url}/v1/tables`, post({ name: 'agent_events' }))).status).toBe(201);
      const events = makeTestChain('agent_events', 's1', 3);
      const res = await fetch(
        `${url}/v1/ingest/agent_events?wait_for_visibility=true&timeout_ms=20000`,
        post({ session_id: 's1', events }),
      );
      expect(res.status, await res.clone().text()).toBe(200);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(await waitForLog(() => stderr, 'chainlake stopped', 1000)).toMatchObject({
        roles: ['api', 'committer'],
      });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('the demo (npm run demo)', () => {
  const DEMO = fileURLToPath(new URL('../../examples/agent-session/run.ts', import.meta.url));

  /** Runs the demo with its own TMPDIR, so that what it leaves behind there is visible. */
  async function demo(extra: Record<string, string>) {
    const tmp = await mkdtemp(join(dir, 'demo-tmp-'));
    const ran = await run(process.execPath, ['--import', 'tsx', DEMO], { ...env, TMPDIR: tmp, ...extra });
    // tsx keeps its compile cache there (tsx-<uid>); anything else is the demo's.
    return { ...ran, left: (await readdir(tmp)).filter((f) => !/^tsx-\d+$/.test(f)) };
  }

  it('runs the golden path and removes its directories', async () => {
    const ran = await demo({ DEMO_DATABASE_URL: database.url });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/demo: ok\n$/);
    expect(ran.left).toEqual([]);
  });

  it('fails with a hint naming its variables, and still removes what it started', async () => {
    const ran = await demo({
      DEMO_DATABASE_URL: database.url,
      NATS_URL: `nats://127.0.0.1:${await freePort()}`,
    });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^demo failed: connection refused/m);
    expect(ran.stderr).toMatch(/DEMO_DATABASE_URL.*NATS_URL.*CHAINLAKE_URL/);
    expect(ran.left).toEqual([]);
  });
});

/** Runs a program to its end (60 s at most) with exactly this environment. */
function run(cmd: string, args: string[], childEnv: Record<string, string>): Promise<CliRun> {
  return runProgram(cmd, args, { cwd: REPO, env: childEnv, timeoutMs: 60_000, what: args.join(' ') });
}

const post = (json: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(json),
});

/** The first JSON log line with this msg, polled from the text seen so far. */
async function waitForLog(
  text: () => string,
  msg: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of text().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === msg) return entry;
    }
    if (Date.now() > deadline) throw new Error(`no "${msg}" log line within ${timeoutMs} ms: ${text()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
