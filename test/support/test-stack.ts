import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type Bus } from '../../src/bus/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import {
  startServer,
  ROLES,
  type Running,
  type ServeRole,
  type StartOptions,
} from '../../src/server/main.js';
import { createLog } from '../../src/log.js';
import { createTestDatabase } from './test-db.js';
import { uniquePrefix } from './test-prefix.js';

export interface TestStack {
  config: Config;
  running: Running;
  /** A separate connection for the test's own look at the log. */
  bus: Bus;
  request(
    path: string,
    init?: RequestInit & { json?: unknown; tenant?: string; key?: string },
  ): Promise<Response>;
  /** Messages in the event stream. */
  logCount(): Promise<number>;
  /** Rows of a table in the test database. */
  rowCount(table: string): Promise<number>;
  /** Restarts the service on the same database, prefix, keys and lake (e.g. after a simulated crash). */
  restart(roles?: readonly ServeRole[], opts?: StartOptions): Promise<void>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  auth?: boolean;
  roles?: readonly ServeRole[];
  env?: Record<string, string>;
  start?: StartOptions;
}

/**
 * A whole chainlake against the real NATS and Postgres, isolated by a fresh database, a unique stream
 * prefix and temp directories for keys and the lake; stop() removes all of it.
 */
export async function startTestStack(label: string, opts: TestStackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase(label);
  const dir = await mkdtemp(join(tmpdir(), `chainlake-${label}-`));
  const config = loadConfig({
    DATABASE_URL: database.url,
    CHAINLAKE_PREFIX: uniquePrefix(label),
    CHAINLAKE_AUTH: opts.auth ? 'on' : 'off',
    OBJECT_STORE: `file://${join(dir, 'lake')}`,
    CHAINLAKE_KEYS_DIR: join(dir, 'keys'),
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    CHAINLAKE_ACK_WAIT_MS: '3000',
    CHAINLAKE_WORKING_INTERVAL_MS: '1000',
    CHAINLAKE_COMMIT_MAX_WAIT_MS: '20',
    // The shared test machine is often saturated; tests of the Postgres deadlines set their own.
    CHAINLAKE_DB_TIMEOUT_MS: '5000',
    CHAINLAKE_DB_ACQUIRE_TIMEOUT_MS: '5000',
    ...opts.env,
  });
  const roles = opts.roles ?? ROLES.filter((r) => r === 'api' || r === 'committer');
  // In-process committer by default: tests hook into it; test/integration/committer-thread.int.test.ts covers the thread.
  const startOpts = (o?: StartOptions): StartOptions => ({
    log: createLog(config.logLevel),
    committerThread: false,
    ...o,
  });
  let running = await startServer(config, roles, startOpts(opts.start));
  const bus = await connectBus({ url: config.natsUrl, prefix: config.prefix, name: 'chainlake-test' });

  return {
    config,
    get running() {
      return running;
    },
    bus,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      if (init.tenant) headers.set('x-tenant-id', init.tenant);
      if (init.key) headers.set('authorization', `Bearer ${init.key}`);
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
      return Promise.resolve(running.app!.request(path, { ...init, headers, body }));
    },
    async logCount() {
      return (await bus.jsm.streams.info(bus.names.eventsStream)).state.messages;
    },
    async rowCount(table) {
      const [row] = await running.services.db.sql.unsafe<{ n: string }[]>(
        `select count(*)::text as n from ${table}`,
      );
      return Number(row!.n);
    },
    async restart(nextRoles = roles, startOpts_: StartOptions = {}) {
      await running.stop();
      running = await startServer(config, nextRoles, startOpts(startOpts_));
    },
    async stop() {
      await running.stop().catch(() => undefined);
      for (const stream of [bus.names.eventsStream, bus.names.rawStream]) {
        await bus.jsm.streams.delete(stream).catch(() => undefined);
      }
      await bus.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
