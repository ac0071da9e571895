import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommitObservation } from './commit-observation.js';
import { registerDefaultMetrics } from './default-metrics.js';
import { METRIC } from './metric-names.js';
import { registerThreadCpu } from './thread-cpu.js';

export interface Lag {
  watermark: number;
  messages: number;
  seconds: number;
}

/** The events stream's size; `maxBytes` 0 when it has no byte cap. */
export interface LogSize {
  messages: number;
  bytes: number;
  maxBytes: number;
  firstSeq: number;
}

/** The process's metrics; `text()` renders the Prometheus exposition, reading lag and log size at scrape time. */
export interface Metrics {
  observeIngest(transport: 'http' | 'nats' | 'raw', code: string, seconds: number, events?: number): void;
  observeCommit(event: CommitObservation): void;
  /** Time from a batch's append to the log until its commit made it visible. */
  observeWriteToVisible(seconds: number): void;
  observePurge(stream: 'events' | 'raw', messages: number): void;
  /** Sets where lag is read from on each scrape (the process that has the connections). */
  setLagSource(read: () => Promise<Lag>): void;
  setLogSource(read: () => Promise<LogSize>): void;
  text(): Promise<{ contentType: string; body: string }>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  registerDefaultMetrics(registry);
  registerThreadCpu(registry);
  const reg = { registers: [registry] };
  const ingestRequests = new Counter({
    name: METRIC.ingestRequests,
    help: 'Ingest answers by transport and result code',
    labelNames: ['transport', 'code'],
    ...reg,
  });
  const ingestDuration = new Histogram({
    name: METRIC.ingestDuration,
    help: 'Time to answer an ingest request',
    labelNames: ['transport'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    ...reg,
  });
  const ingestEvents = new Counter({
    name: METRIC.ingestEvents,
    help: 'Events accepted into the log',
    labelNames: ['transport'],
    ...reg,
  });
  const commitDuration = new Histogram({
    name: METRIC.commitDuration,
    help: 'Time of one commit (decode, Parquet, object store, Postgres)',
    buckets: LATENCY_BUCKETS,
    ...reg,
  });
  const commitBatch = new Histogram({
    name: METRIC.commitBatchMessages,
    help: 'Log messages per commit',
    buckets: [1, 5, 10, 50, 100, 500, 1000, 5000],
    ...reg,
  });
  const fileRows = new Histogram({
    name: METRIC.commitFileRows,
    help: 'Rows per Parquet file',
    buckets: [10, 100, 1000, 10_000, 100_000, 1_000_000],
    ...reg,
  });
  const commitRows = new Counter({ name: METRIC.commitRows, help: 'Records committed', ...reg });
  const failures = new Counter({
    name: METRIC.commitFailures,
    help: 'Commit attempts that failed and were retried',
    ...reg,
  });
  const redeliveries = new Counter({
    name: METRIC.redeliveries,
    help: 'Messages seen again after a lost lease or nak',
    ...reg,
  });
  const naks = new Counter({ name: METRIC.naks, help: 'Messages handed back for a later retry', ...reg });
  const terms = new Counter({
    name: METRIC.terms,
    help: 'Messages terminated as poison (recorded as rejections)',
    ...reg,
  });
  const fenced = new Counter({
    name: METRIC.fenced,
    help: 'Messages dropped because a newer delivery owns them',
    ...reg,
  });
  const writeToVisible = new Histogram({
    name: METRIC.writeToVisible,
    help: 'Time from a batch entering the log to its commit (sampled at most once a second)',
    buckets: LATENCY_BUCKETS,
    ...reg,
  });
  const purged = new Counter({
    name: METRIC.logPurged,
    help: 'Handled log messages purged after CHAINLAKE_LOG_RETENTION',
    labelNames: ['stream'],
    ...reg,
  });
  for (const stream of ['events', 'raw']) purged.inc({ stream }, 0);

  // Every gauge of one scrape awaits the same read, so none shows the previous scrape's value.
  let readLag: (() => Promise<Lag>) | null = null;
  const lag = { watermark: 0, messages: 0, seconds: 0 };
  const refreshLag = once(async () => {
    if (readLag) Object.assign(lag, await readLag().catch(() => lag));
  });
  new Gauge({
    name: METRIC.watermark,
    help: 'Committed watermark (stream sequence)',
    ...reg,
    async collect() {
      await refreshLag();
      this.set(lag.watermark);
    },
  });
  new Gauge({
    name: METRIC.lagMessages,
    help: 'Log messages not yet committed',
    ...reg,
    async collect() {
      await refreshLag();
      this.set(lag.messages);
    },
  });
  new Gauge({
    name: METRIC.lagSeconds,
    help: 'Age of the oldest uncommitted log message',
    ...reg,
    async collect() {
      await refreshLag();
      this.set(lag.seconds);
    },
  });

  let readLog: (() => Promise<LogSize>) | null = null;
  const log: LogSize = { messages: 0, bytes: 0, maxBytes: 0, firstSeq: 0 };
  const refreshLog = once(async () => {
    if (readLog) Object.assign(log, await readLog().catch(() => log));
  });
  new Gauge({
    name: METRIC.logMessages,
    help: 'Messages held by the events stream',
    ...reg,
    async collect() {
      await refreshLog();
      this.set(log.messages);
    },
  });
  new Gauge({
    name: METRIC.logBytes,
    help: 'Bytes held by the events stream',
    ...reg,
    async collect() {
      await refreshLog();
      this.set(log.bytes);
    },
  });
  new Gauge({
    name: METRIC.logMaxBytes,
    help: 'Byte cap of the events stream (CHAINLAKE_STREAM_MAX_BYTES; 0: none)',
    ...reg,
    async collect() {
      await refreshLog();
      this.set(log.maxBytes);
    },
  });
  new Gauge({
    name: METRIC.logFirstSeq,
    help: 'Oldest stream sequence still in the events stream',
    ...reg,
    async collect() {
      await refreshLog();
      this.set(log.firstSeq);
    },
  });

  return {
    observeIngest(transport, code, seconds, events = 0) {
      ingestRequests.inc({ transport, code });
      ingestDuration.observe({ transport }, seconds);
      if (events > 0) ingestEvents.inc({ transport }, events);
    },
    observeCommit(e) {
      if (e.kind === 'committed') {
        commitDuration.observe(e.seconds);
        commitBatch.observe(e.committed + e.alreadyDone);
        commitRows.inc(e.rows);
        for (const rows of e.fileRows) fileRows.observe(rows);
        redeliveries.inc(e.redelivered);
        fenced.inc(e.fenced);
      } else if (e.kind === 'failed') {
        failures.inc();
        naks.inc(e.messages);
      } else {
        terms.inc(e.messages);
      }
    },
    observeWriteToVisible(seconds) {
      writeToVisible.observe(seconds);
    },
    observePurge(stream, messages) {
      purged.inc({ stream }, messages);
    },
    setLagSource(read) {
      readLag = read;
    },
    setLogSource(read) {
      readLog = read;
    },
    async text() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Calls `fn` once for all callers that arrive while a call is in flight. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  return () => (inFlight ??= fn().finally(() => (inFlight = null)));
}
