import net from 'node:net';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { TestProject } from 'vitest/node';
import { createDb, migrateDb, parseDatabaseUrl, withDatabase } from '../../src/db/index.js';
import {
  adminClient,
  dropDatabase,
  STALE_AFTER_MS,
  TEMPLATE_ENV,
  TEMPLATE_PROVIDE_KEY,
  TEST_DB_RE,
  testDbName,
} from './test-db.js';
import type { TestDbTemplate } from './test-db.js';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_NATS = 'nats://127.0.0.1:4222';
const START_PG = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const START_NATS =
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log';

function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A plain TCP connect: is anything listening there? */
function tcpReachable(host: string, port: number, timeoutMs = 3_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

function natsHostPort(url: string): { host: string; port: number } {
  const u = new URL(url.split(',')[0]!.replace(/^(nats|tls|ws|wss):/, 'http:'));
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port ? Number(u.port) : 4222 };
}

/** Throws one message naming every unreachable service and how to start it. */
async function checkServices(pgUrl: string, natsUrl: string): Promise<void> {
  const problems: string[] = [];
  const pg = parseDatabaseUrl(pgUrl).tcp;
  if (pg) {
    const problem = await tcpReachable(pg.host, pg.port);
    if (problem)
      problems.push(`PostgreSQL at ${pg.host}:${pg.port} (${problem}); start it with: ${START_PG}`);
  }
  const nats = natsHostPort(natsUrl);
  const natsProblem = await tcpReachable(nats.host, nats.port);
  if (natsProblem)
    problems.push(`NATS at ${nats.host}:${nats.port} (${natsProblem}); start it with: ${START_NATS}`);
  if (problems.length === 0) {
    const admin = adminClient(pgUrl);
    try {
      await withTimeout('Postgres check', 10_000, admin`select 1`);
    } catch (err) {
      problems.push(`PostgreSQL refused a query (${(err as Error).message}); start it with: ${START_PG}`);
    } finally {
      await admin.end({ timeout: 2 }).catch(() => {});
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Integration tests need services that are not reachable:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

/** Drops test databases of crashed runs (only ours: `chainlake_t_…`/`chainlake_tpl_…`, older than 2 h). */
async function dropStaleDatabases(pgUrl: string): Promise<void> {
  const admin = adminClient(pgUrl);
  let names: string[];
  try {
    const rows = await admin<
      { datname: string }[]
    >`select datname from pg_database where datname like 'chainlake%'`;
    names = rows.map((r) => r.datname);
  } finally {
    await admin.end({ timeout: 2 }).catch(() => {});
  }
  const cutoff = Date.now() - STALE_AFTER_MS;
  for (const name of names) {
    const m = TEST_DB_RE.exec(name);
    if (m && Number(m[2]) * 1000 < cutoff) await dropDatabase(pgUrl, name);
  }
}

/** Deletes JetStream streams of crashed runs (names starting `CLT`, created more than 2 h ago). */
async function deleteStaleStreams(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    const cutoff = Date.now() - STALE_AFTER_MS;
    const stale: string[] = [];
    for await (const si of jsm.streams.list()) {
      const name = si.config.name;
      if (name.startsWith('CLT') && Date.parse(si.created) < cutoff) stale.push(name);
    }
    for (const name of stale) await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Vitest global setup of the integration project: services check, cleanup, one migrated template. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG;
  const maintenanceUrl = parseDatabaseUrl(base).maintenanceUrl;
  const natsUrl = process.env.NATS_URL ?? DEFAULT_NATS;
  await checkServices(maintenanceUrl, natsUrl);

  // Best effort: a failed cleanup must not fail the run.
  await Promise.all([
    withTimeout('dropping stale test databases', 30_000, dropStaleDatabases(maintenanceUrl)),
    withTimeout('deleting stale test streams', 30_000, deleteStaleStreams(natsUrl)),
  ]).catch((err: Error) =>
    console.warn(`[global-setup] cleanup of old test leftovers failed: ${err.message}`),
  );

  const template = testDbName('tpl');
  try {
    const db = await withTimeout(
      'creating the template database',
      30_000,
      createDb(withDatabase(maintenanceUrl, template), { max: 1 }),
    );
    try {
      await withTimeout('migrating the template database', 60_000, migrateDb(db));
    } finally {
      await db.close();
    }
    // No one may connect to the template: an open session would make every clone fail.
    const admin = adminClient(maintenanceUrl);
    try {
      await admin.unsafe(`ALTER DATABASE "${template}" WITH ALLOW_CONNECTIONS false`);
    } finally {
      await admin.end({ timeout: 2 });
    }
  } catch (err) {
    await dropDatabase(maintenanceUrl, template).catch(() => {});
    throw err;
  }

  const info: TestDbTemplate = { maintenanceUrl, template };
  project.provide(TEMPLATE_PROVIDE_KEY, info);
  process.env[TEMPLATE_ENV] = JSON.stringify(info);

  return async () => {
    await withTimeout('dropping the template database', 30_000, dropDatabase(maintenanceUrl, template));
  };
}
