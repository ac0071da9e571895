import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { busNames, type BusNames } from '../src/bus/index.js';
import { withDatabase } from '../src/db/index.js';
import { BENCH_DIR_PREFIX, dropBenchResources, PREFIX_FILE } from './drop-resources.js';
import { pipeLines } from './pipe-lines.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const PROFILE_DIR = path.join(REPO, 'bench', 'results', 'profiles');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

export interface StackOptions {
  roles: string[];
  profile: boolean;
  /** Extra environment for the child (tuning knobs the bench sets). */
  env?: Record<string, string>;
  log: (line: string) => void;
}

/** A chainlake child process with its own prefix, database and object-store directory. */
export interface Stack {
  url: string;
  pid: number;
  prefix: string;
  names: BusNames;
  natsUrl: string;
  databaseUrl: string;
  database: string;
  dir: string;
  /** The local object store's directory (the lake's Parquet files). */
  lakeDir: string;
  /** Stops the child (SIGTERM, then SIGKILL); returns its .cpuprofile path with --profile. */
  stopChild(): Promise<string | undefined>;
  /** Stops the child, drops the database and the streams, deletes the directory. Idempotent. */
  cleanup(): Promise<void>;
}

/** Starts `node bin/chainlake.js serve --roles …` and waits for /readyz; cleans up if that fails. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const database = `chainlake_bench_${Math.floor(Date.now() / 1000)}_${prefix.slice(5)}`;
  const databaseUrl = withDatabase(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chainlake',
    database,
  );
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const dir = await mkdtemp(path.join(tmpdir(), BENCH_DIR_PREFIX));
  // Lets a later run's sweep tell whether this directory's run is still alive (its database exists).
  await writeFile(path.join(dir, PREFIX_FILE), prefix);
  const names = busNames(prefix);
  const lakeDir = path.join(dir, 'lake');
  let child: ChildProcess | null = null;
  let cleaning: Promise<void> | null = null;
  let profile: string | undefined;

  const stopChild = async (): Promise<string | undefined> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const graceful = await Promise.race([
        exited.then(() => true),
        delay(STOP_TIMEOUT_MS).then(() => false),
      ]);
      if (!graceful) {
        opts.log(`chainlake did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; sending SIGKILL`);
        child.kill('SIGKILL');
        await Promise.race([exited, delay(5000)]);
      }
    }
    if (opts.profile && child?.pid && profile === undefined) profile = await findProfile(child.pid);
    return profile;
  };
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopChild().catch((err) => opts.log(`stopping chainlake failed: ${(err as Error).message}`));
      await dropBenchResources({ databaseUrl, database, natsUrl, names, log: opts.log });
      await rm(dir, { recursive: true, force: true }).catch((err) =>
        opts.log(`could not delete ${dir}: ${(err as Error).message}`),
      );
    })());

  try {
    const port = await freePort();
    const nodeArgs = ['--import', pathToFileURL(path.join(REPO, 'bench', 'child-guard.mjs')).href];
    if (opts.profile) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR);
    child = spawn(
      process.execPath,
      [...nodeArgs, path.join(REPO, 'bin', 'chainlake.js'), 'serve', '--roles', opts.roles.join(',')],
      {
        cwd: REPO,
        env: {
          ...process.env,
          ...opts.env,
          DATABASE_URL: databaseUrl,
          NATS_URL: natsUrl,
          CHAINLAKE_PREFIX: prefix,
          CHAINLAKE_AUTH: 'off',
          OBJECT_STORE: `file://${lakeDir}`,
          CHAINLAKE_KEYS_DIR: path.join(dir, 'keys'),
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    pipeLines(child.stdout!, (l) => opts.log(`[chainlake] ${l}`));
    pipeLines(child.stderr!, (l) => opts.log(`[chainlake] ${l}`));
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child);
    return {
      url,
      pid: child.pid!,
      prefix,
      names,
      natsUrl,
      databaseUrl,
      database,
      dir,
      lakeDir,
      stopChild,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`chainlake exited (${child.signalCode ?? child.exitCode}) before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      last = `${res.status} ${await res.text()}`;
      if (res.ok) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await delay(250);
  }
  throw new Error(`chainlake was not ready within ${READY_TIMEOUT_MS / 1000} s (last answer: ${last})`);
}

/**
 * The main thread's .cpuprofile of the child, if it wrote one. Names are
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main thread (tsx's module loader
 * runs on another thread and writes its own, mostly idle, profile).
 */
async function findProfile(pid: number): Promise<string | undefined> {
  const files = await readdir(PROFILE_DIR).catch(() => [] as string[]);
  const main = files.filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.0.`)).sort();
  return main.length > 0 ? path.join(PROFILE_DIR, main[main.length - 1]!) : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
