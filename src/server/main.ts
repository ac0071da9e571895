import type { Server } from 'node:http';
import { isMainThread } from 'node:worker_threads';
import { connectBus, ensureStreams, readMessageTime, type Bus } from '../bus/index.js';
import { redactUrl, type Config } from '../config/index.js';
import { createDb, migrateDb, type Db } from '../db/index.js';
import { startCommitter, type CommitHooks } from '../commit/index.js';
import { BodyBudget, createApp, createHttpServer, createMetricsApp } from '../http/index.js';
import { CommitterHealth } from '../health/index.js';
import { startCommitterThread } from './start-committer-thread.js';
import { readLag, readWatermark, watchVisibility } from '../lake/index.js';
import { HeadCache, type IngestDeps } from '../ingest/index.js';
import { loadKeyRing, loadOrCreateKeyRing, type KeyRing } from '../keys/index.js';
import { createLog, errorText, type Log } from '../log.js';
import {
  createMetrics,
  sampleWriteToVisible,
  type CommitObservation,
  type Metrics,
} from '../metrics/index.js';
import { readLogSize, startRetention } from '../retention/index.js';
import { createObjectStore, type ObjectStore } from '../store/index.js';
import { gatekeeperLease, startGatekeeper, startIngestService, type GatekeeperHooks } from '../nats/index.js';
import { ensureBootstrapAdminKey } from '../tenancy/index.js';

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
export async function openServices(
  config: Config,
  log: Log = createLog(config.logLevel),
  /** The process's main thread already migrated, created the streams and the key: only connect. */
  prepared = false,
): Promise<Services> {
  // Ingest and read paths get deadlines (fast 503s); the committer opens its own Db without them.
  const db = await createDb(config.databaseUrl, {
    deadlineMs: config.dbTimeouts.statementMs,
    acquireMs: config.dbTimeouts.acquireMs,
    connectTimeoutMs: config.dbTimeouts.connectMs,
    createIfMissing: !prepared,
  });
  try {
    if (!prepared) await migrateDb(db);
    const bus = await connectBus({ url: config.natsUrl, prefix: config.prefix });
    if (!prepared) await ensureStreams(bus, config.stream);
    const keyRing = prepared ? await loadKeyRing(config.keysDir) : await loadOrCreateKeyRing(config.keysDir);
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
  /** Where `/metrics`, `/healthz` and `/readyz` are served without the api role (METRICS_PORT). */
  metricsUrl?: string;
  /** The HTTP app (role api), for in-process requests. */
  app?: ReturnType<typeof createApp>;
  /** The first admin key, when this start created it: show it once, it is stored only as a hash. */
  bootstrapKey?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The committer thread: its process's main thread migrated and created streams and keys already. */
  prepared?: boolean;
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

/** Starts the named roles in this process (docs/contract.md §7 `chainlake serve`). */
export async function startServer(
  config: Config,
  roles: readonly ServeRole[] = ROLES,
  opts: StartOptions = {},
): Promise<Running> {
  const log = opts.log ?? createLog(config.logLevel);
  const services = await openServices(config, log, opts.prepared === true);
  const stops: (() => Promise<void>)[] = [];
  let url: string | undefined;
  let metricsUrl: string | undefined;
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
    const sampleVisible = sampleWriteToVisible(
      async () =>
        readMessageTime(
          services.bus,
          (await readWatermark(services.db, services.bus.names.eventsStream)).seq,
        ),
      (s) => services.metrics.observeWriteToVisible(s),
    );
    const committerHealth = roles.includes('committer') ? new CommitterHealth() : undefined;
    const observe = (e: CommitObservation) => {
      services.metrics.observeCommit(e);
      committerHealth?.observe(e);
      // The committer thread reports to the main thread, whose metrics are served: sample there.
      if (e.kind === 'committed' && e.committed > 0 && isMainThread) sampleVisible();
      opts.observeCommits?.(e);
    };
    // With ingest roles in the same process the committer gets its own thread (src/server/committer-thread.ts).
    const threaded = opts.committerThread ?? roles.some((r) => r !== 'committer');
    if (roles.includes('committer') && threaded) {
      const thread = await startCommitterThread(config, log, observe);
      stops.push(() => thread.stop());
    } else if (roles.includes('committer')) {
      // Never under the API's statement deadline: a commit transaction may take longer than a request.
      const commitDb = await createDb(config.databaseUrl, { connectTimeoutMs: config.dbTimeouts.connectMs });
      stops.push(() => commitDb.close());
      const committer = await startCommitter({
        bus: services.bus,
        db: commitDb,
        store: services.store,
        sealKeys: services.keyRing.publicKeys,
        lease: config.committer,
        verify: config.commitVerify,
        log,
        hooks: opts.commitHooks,
        observe,
      });
      committer.done.catch((err) => log('error', 'committer stopped', { err: errorText(err) }));
      stops.push(() => committer.stop());
    }
    // Retention runs where the committer (events) or the gatekeeper (raw) runs; a committer thread runs its own.
    const purgeStreams = (['events', 'raw'] as const).filter((s) =>
      s === 'events' ? roles.includes('committer') && !threaded : roles.includes('gatekeeper'),
    );
    if (purgeStreams.length > 0) {
      // Committed (events) and handled (raw) messages leave the log after CHAINLAKE_LOG_RETENTION.
      const retention = startRetention({
        bus: services.bus,
        db: services.db,
        streams: purgeStreams,
        retentionMs: config.logRetentionMs,
        log,
        onPurged: (stream, r) => services.metrics.observePurge(stream, r.purged),
      });
      stops.push(() => retention.stop());
    }
    services.metrics.setLagSource(() => readLag(services.bus, services.db));
    services.metrics.setLogSource(() => readLogSize(services.bus));
    if (!roles.includes('api') && config.metricsPort === undefined && isMainThread) {
      log('info', 'METRICS_PORT is not set: /metrics, /healthz and /readyz are not served');
    }
    if (!roles.includes('api') && config.metricsPort !== undefined && isMainThread) {
      const metricsApp = createMetricsApp({
        auth: config.auth,
        maxBodyBytes: config.limits.maxBodyBytes,
        db: services.db,
        bus: services.bus,
        keyRing: services.keyRing,
        store: services.store,
        ingest: ingestDeps(services),
        metrics: services.metrics,
        log,
        readiness: { roles, committer: committerHealth },
      });
      const server = await listen(metricsApp.fetch, config, config.metricsPort);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.metricsPort;
      metricsUrl = `http://${config.host}:${port}`;
      log('info', 'metrics listening', { url: metricsUrl });
      stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    if (roles.includes('api')) {
      const visibility = await visibilityWatch();
      const streamDb = await createDb(config.databaseUrl, {
        max: 4,
        deadlineMs: config.dbTimeouts.replayMs,
        acquireMs: config.dbTimeouts.acquireMs,
        connectTimeoutMs: config.dbTimeouts.connectMs,
      });
      stops.push(() => streamDb.close());
      app = createApp({
        auth: config.auth,
        maxBodyBytes: config.limits.maxBodyBytes,
        bodyTimeoutMs: config.http.bodyTimeoutMs,
        bodyBudget: new BodyBudget(config.http.inflightBodyBytes, config.http.bodyQueueMs),
        corsOrigins: config.http.corsOrigins,
        readiness: { roles, committer: committerHealth },
        db: services.db,
        streamDb,
        bus: services.bus,
        keyRing: services.keyRing,
        store: services.store,
        ingest: { ...ingestDeps(services), visibility },
        metrics: services.metrics,
        log,
      });
      const server = await listen(app.fetch, config, config.port);
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
    metricsUrl,
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

/** The HTTP server with chainlake's edge (timeouts, 100-continue, readable early answers). */
function listen(
  fetch: Parameters<typeof createHttpServer>[0],
  config: Config,
  port: number,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(fetch, config.http);
    server.once('error', reject);
    server.listen(port, config.host, () => resolve(server));
  });
}
