import { isMainThread } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { connectBus, ensureStreams, type Bus } from './bus/index.js';
import { redactUrl, type Config } from './config/index.js';
import { createDb, migrateDb, type Db } from './db/index.js';
import { startCommitter, type CommitHooks, type CommitObservation } from './commit/index.js';
import { createApp } from './http/index.js';
import { startCommitterThread } from './start-committer-thread.js';
import { readLag, watchVisibility } from './lake/index.js';
import { HeadCache, type IngestDeps } from './ingest/index.js';
import { loadOrCreateKeyRing, type KeyRing } from './keys/index.js';
import { createLog, errorText, type Log } from './log.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { createObjectStore, type ObjectStore } from './store/index.js';
import { gatekeeperLease, startGatekeeper, startIngestService, type GatekeeperHooks } from './nats/index.js';
import { ensureBootstrapAdminKey } from './tenancy/index.js';

export const ROLES = ['api', 'nats', 'gatekeeper', 'committer'] as const;
export type ServeRole = (typeof ROLES)[number];

/** The connections every role shares; created once per process. */
export interface Services {
  config: Config;
  log: Log;
  db: Db;
  bus: Bus;
  store: ObjectStore;
  keyRing: KeyRing;
  metrics: Metrics;
  /** Session heads this process appended last, shared by every transport. */
  heads: HeadCache;
}

/** Connects to Postgres (creating and migrating the database) and NATS (creating the streams). */
export async function openServices(config: Config, log: Log = createLog(config.logLevel)): Promise<Services> {
  const db = await createDb(config.databaseUrl);
  try {
    await migrateDb(db);
    const bus = await connectBus({ url: config.natsUrl, prefix: config.prefix });
    await ensureStreams(bus, config.stream);
    const keyRing = await loadOrCreateKeyRing(config.keysDir);
    const store = createObjectStore(config);
    return { config, log, db, bus, store, keyRing, metrics: createMetrics(), heads: new HeadCache() };
  } catch (err) {
    await db.close();
    throw err;
  }
}

export async function closeServices(s: Services): Promise<void> {
  await s.bus.close().catch(() => undefined);
  await s.store.close().catch(() => undefined);
  await s.db.close().catch(() => undefined);
}

export function ingestDeps(s: Services): IngestDeps {
  return {
    bus: s.bus,
    db: s.db,
    keyRing: s.keyRing,
    limits: s.config.limits,
    heads: s.heads,
    warn: (msg, err) => s.log('warn', msg, { err: errorText(err) }),
  };
}

/** A running chainlake process: stop() drains in-flight work, then closes connections. */
export interface Running {
  services: Services;
  url?: string;
  /** The HTTP app (role api), for in-process requests. */
  app?: ReturnType<typeof createApp>;
  /** The first admin key, when this start created it: show it once, it is stored only as a hash. */
  bootstrapKey?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Test-only crash points inside the commit protocol. */
  commitHooks?: CommitHooks;
  /** Sees every commit attempt (metrics, tests). */
  observeCommits?: (event: CommitObservation) => void;
  /**
   * Run the committer in a worker thread. Default: yes when this process also runs an ingest role.
   * In-process commit hooks (tests) need it off.
   */
  committerThread?: boolean;
  /** Test-only crash points inside the gatekeeper. */
  gatekeeperHooks?: GatekeeperHooks;
  log?: Log;
}

/** Starts the named roles in this process (contract §7 `chainlake serve`). */
export async function startServer(
  config: Config,
  roles: readonly ServeRole[] = ROLES,
  opts: StartOptions = {},
): Promise<Running> {
  const log = opts.log ?? createLog(config.logLevel);
  const services = await openServices(config, log);
  const stops: (() => Promise<void>)[] = [];
  let url: string | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  let bootstrapKey: string | undefined;
  // One LISTEN connection for every role that waits for visibility (api, nats).
  let visibility: Awaited<ReturnType<typeof watchVisibility>> | undefined;
  const visibilityWatch = async () => {
    if (!visibility) {
      const watch = await watchVisibility(services.db, services.bus.names.eventsStream);
      stops.push(() => watch.close());
      visibility = watch;
    }
    return visibility;
  };
  try {
    if (config.auth) bootstrapKey = (await ensureBootstrapAdminKey(services.db)) ?? undefined;
    const observe = (e: CommitObservation) => {
      services.metrics.observeCommit(e);
      opts.observeCommits?.(e);
    };
    // With ingest roles in the same process the committer gets its own thread (src/committer-thread.ts).
    const threaded = opts.committerThread ?? roles.some((r) => r !== 'committer');
    if (roles.includes('committer') && threaded) {
      const thread = await startCommitterThread(config, log, observe);
      stops.push(() => thread.stop());
    } else if (roles.includes('committer')) {
      const committer = await startCommitter({
        bus: services.bus,
        db: services.db,
        store: services.store,
        sealKeys: services.keyRing.publicKeys,
        lease: config.committer,
        log,
        hooks: opts.commitHooks,
        observe,
      });
      committer.done.catch((err) => log('error', 'committer stopped', { err: errorText(err) }));
      stops.push(() => committer.stop());
    }
    if (roles.includes('api')) {
      const visibility = await visibilityWatch();
      services.metrics.setLagSource(() => readLag(services.bus, services.db));
      app = createApp({
        auth: config.auth,
        maxBodyBytes: config.limits.maxBodyBytes,
        db: services.db,
        bus: services.bus,
        keyRing: services.keyRing,
        store: services.store,
        ingest: { ...ingestDeps(services), visibility },
        metrics: services.metrics,
        log,
      });
      const server = await listen(app.fetch, config.host, config.port);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${config.host}:${port}`;
      log('info', 'http listening', { url });
      stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    if (roles.includes('nats')) {
      const service = await startIngestService({
        bus: services.bus,
        ingest: { ...ingestDeps(services), visibility: await visibilityWatch() },
        maxBodyBytes: config.limits.maxBodyBytes,
        metrics: services.metrics,
        log,
      });
      stops.push(() => service.stop());
    }
    if (roles.includes('gatekeeper')) {
      const gatekeeper = await startGatekeeper({
        bus: services.bus,
        ingest: ingestDeps(services),
        lease: gatekeeperLease(config.committer),
        log,
        metrics: services.metrics,
        hooks: opts.gatekeeperHooks,
      });
      gatekeeper.done.catch((err) => log('error', 'gatekeeper stopped', { err: errorText(err) }));
      stops.push(() => gatekeeper.stop());
    }
  } catch (err) {
    await Promise.allSettled(stops.map((s) => s()));
    await closeServices(services);
    throw err;
  }
  // What an operator checks first; the committer thread's own start is a detail of the process's.
  log(isMainThread ? 'info' : 'debug', 'chainlake started', {
    roles,
    database: redactUrl(config.databaseUrl),
    prefix: config.prefix,
    streams: [services.bus.names.eventsStream, services.bus.names.rawStream],
    objectStore: redactUrl(config.objectStore),
    ...(url ? { url, port: Number(new URL(url).port) } : {}),
  });
  return {
    services,
    url,
    app,
    bootstrapKey,
    async stop() {
      for (const stop of stops.reverse())
        await stop().catch((err) => log('warn', 'stop failed', { err: errorText(err) }));
      await closeServices(services);
      log(isMainThread ? 'info' : 'debug', 'chainlake stopped', { roles });
    },
  };
}

function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}
