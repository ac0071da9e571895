import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { readdirSync } from 'node:fs';

const run = promisify(execFile);
const PG_VERSION = readdirSync('/usr/lib/postgresql').sort().at(-1);
const BIN = `/usr/lib/postgresql/${PG_VERSION}/bin`;

/** A throwaway PostgreSQL cluster on its own loopback port, so a test can stop it without harming others. */
export interface PgServer {
  url(database: string): string;
  port: number;
  /** Immediate shutdown: like a crash, no checkpoint. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** initdb refuses to run as root; on CI (root) it runs as the `postgres` user. */
function asPostgres(cmd: string, args: string[]) {
  const root = process.getuid?.() === 0;
  return root
    ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], { timeout: 60_000 })
    : run(cmd, args, { timeout: 60_000 });
}

export async function startPgServer(): Promise<PgServer> {
  const dir = await mkdtemp(join(tmpdir(), 'chainlake-pg-'));
  if (process.getuid?.() === 0)
    await chown(
      dir,
      Number((await run('id', ['-u', 'postgres'])).stdout),
      Number((await run('id', ['-g', 'postgres'])).stdout),
    );
  const data = join(dir, 'data');
  await asPostgres(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const server: PgServer = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await asPostgres(`${BIN}/pg_ctl`, [
        '-D',
        data,
        '-o',
        opts,
        '-l',
        join(dir, 'log'),
        '-w',
        '-t',
        '30',
        'start',
      ]);
    },
    stop: async () => {
      await asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    },
    destroy: async () => {
      await server.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
