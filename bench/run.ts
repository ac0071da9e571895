import { loadConfig } from '../src/config/index.js';
/**
 * `npm run bench`: starts chainlake as a child process with its own prefix, database and object store,
 * drives it from a forked load process, measures the bare ceilings on the same bytes, prints a table
 * and one JSON line, and removes everything it created (docs/benchmarks.md).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectBus, type Bus } from '../src/bus/index.js';
import { ceilingsFor } from './ceilings.js';
import { sweepStale } from './drop-resources.js';
import { startLoad, type LoadClient } from './load-client.js';
import { probeTransports } from './probe-transports.js';
import type { Target } from './load-protocol.js';
import { readNow, type BenchContext } from './observe-phase.js';
import { parseOptions, type BenchOptions } from './options.js';
import { createTable } from './create-table.js';
import { checkDisk, eventBytes } from './plan.js';
import { humanReport, type BenchReport } from './report.js';
import { runPhases } from './run-phases.js';
import { resourceUse } from './resources.js';
import { procRss } from './scrape.js';
import { REPO, startStack, type Stack } from './stack.js';
import { round } from './stats.js';
import { formatHotFunctions, summarizeProfile } from './summarize-profile.js';
import { targetRows } from './targets.js';
import { THREAD_CPU_METRIC } from '../src/metrics/thread-cpu.js';

const TABLE = 'bench_events';
const TENANT = 'default';
const CEILING_SAMPLE_EVENTS = 20_000;
const log = (line: string) => void process.stderr.write(`${line}\n`);
const mb = (bytes: number | null) => (bytes === null ? null : round(bytes / 2 ** 20, 1));

let stack: Stack | null = null;
let load: LoadClient | null = null;
let bus: Bus | null = null;
let cleaning: Promise<void> | null = null;
let interrupted = false;
const cleanup = () =>
  (cleaning ??= (async () => {
    await load?.stop().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await stack?.cleanup();
  })());

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: stopping chainlake and removing the bench database, streams and files…`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('unhandledRejection', (err) => {
  log(`bench: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  void cleanup().finally(() => process.exit(1));
});

async function main(opts: BenchOptions): Promise<BenchReport> {
  const notes: string[] = [];
  const loadStart = os.loadavg().map((x) => round(x));
  if (loadStart[0]! > os.cpus().length * 0.5)
    notes.push(
      `load average ${loadStart[0]} at start on ${os.cpus().length} cores: other work competes, numbers are low`,
    );
  const perEvent = eventBytes(TABLE, opts.payloadBytes);
  log(await checkDisk(opts, perEvent, opts.transports.length * (1 + opts.extraBatches.length) + 1));
  await sweepStale(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    log,
  );

  const roles = ['api', 'committer', ...(opts.transports.includes('nats') ? ['nats'] : [])];
  log(`starting chainlake (${roles.join(',')})…`);
  stack = await startStack({
    roles,
    profile: opts.profile,
    env: opts.soakS > 0 ? { CHAINLAKE_LOG_RETENTION: process.env.CHAINLAKE_LOG_RETENTION ?? '15m' } : {},
    log,
  });
  log(`chainlake pid ${stack.pid} at ${stack.url}, prefix ${stack.prefix}, database ${stack.database}`);
  await createTable(stack.url, TENANT, TABLE);
  bus = await connectBus({ url: stack.natsUrl, prefix: stack.prefix, name: 'chainlake-bench' });
  load = startLoad();
  const target: Target = {
    url: stack.url,
    natsUrl: stack.natsUrl,
    prefix: stack.prefix,
    tenant: TENANT,
    table: TABLE,
  };
  const stores = {
    bus,
    stream: stack.names.eventsStream,
    databaseUrl: stack.databaseUrl,
    lakeDir: stack.lakeDir,
  };
  const ctx: BenchContext = { stack, bus, load, target, stores, log };
  const runStart = await readNow(ctx);

  const transports = await probeTransports(load, target, opts.transports, notes, log);
  if (transports.length === 0) throw new Error('no transport to measure');

  const rssStart = await procRss(stack.pid);
  let peak = rssStart ?? 0;
  let runEvents = 0;
  const phases = await runPhases(ctx, opts, transports, perEvent, bus.maxPayload(), notes, (o) => {
    peak = Math.max(peak, o.start.rssBytes, o.end.rssBytes, ...o.rssSamples.map((s) => s.bytes));
    runEvents += o.result.phaseEvents;
  });
  const runEnd = await readNow(ctx);
  const runResources = runStart && runEnd ? resourceUse(runStart, runEnd, runEvents) : null;
  if (runEnd && runEnd.threadS.committer === undefined)
    notes.push(
      runEnd.threadS.main === undefined
        ? `chainlake does not export ${THREAD_CPU_METRIC}: CPU per event is the whole process's only`
        : 'no committer thread reported its CPU (committer in-process: counted as main)',
    );
  const rssEnd = await procRss(stack.pid);
  peak = Math.max(peak, rssEnd ?? 0);

  const main = phases.main ? { ...phases.main, report: phases.throughput[phases.main.key]! } : null;
  const c = main
    ? await ceilingsFor(
        bus,
        stack.databaseUrl,
        main,
        opts,
        { table: TABLE, tenant: TENANT, events: CEILING_SAMPLE_EVENTS },
        log,
      )
    : null;

  let profile: BenchReport['profile'];
  const profileFile = await stack.stopChild();
  if (opts.profile && profileFile) {
    const s = await summarizeProfile(profileFile, 15);
    profile = { file: path.relative(REPO, profileFile), total_ms: s.totalMs, idle_ms: s.idleMs, top: s.top };
  } else if (opts.profile) notes.push('no .cpuprofile was written (chainlake did not exit normally)');

  return {
    bench: 'chainlake',
    at: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      mem_gib: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      loadavg_start: loadStart,
      loadavg_end: os.loadavg().map((x) => round(x)),
    },
    options: { ...opts, transports: opts.transports.join(','), extraBatches: opts.extraBatches.join(',') },
    config: {
      roles: roles.join(','),
      commit_batch: process.env.CHAINLAKE_COMMIT_BATCH ?? `${loadConfig({}).committer.batchSize} (default)`,
      commit_max_bytes:
        process.env.CHAINLAKE_COMMIT_MAX_BYTES ?? `${loadConfig({}).committer.maxBytes} (default)`,
      commit_max_wait_ms:
        process.env.CHAINLAKE_COMMIT_MAX_WAIT_MS ?? `${loadConfig({}).committer.maxWaitMs} (default)`,
      commit_verify: process.env.CHAINLAKE_COMMIT_VERIFY ?? `${loadConfig({}).commitVerify} (default)`,
      nats_max_payload: bus.maxPayload(),
      event_bytes: Math.round(perEvent),
    },
    throughput: phases.throughput,
    latency: phases.latency,
    ceiling: c?.ceiling ?? null,
    ratio: c?.ratio ?? null,
    ratio_basis: c?.basis ?? null,
    ratio_committed: c?.ratioCommitted ?? null,
    run_resources: runResources,
    targets:
      opts.soakS > 0
        ? []
        : targetRows({
            main: main?.report ?? null,
            small: phases.small ? (phases.throughput[phases.small] ?? null) : null,
            latency: phases.latency.http ?? null,
            ceilingMin: c?.ceilingMin ?? null,
          }),
    rss: {
      start_mb: mb(rssStart),
      end_mb: mb(rssEnd),
      peak_mb: mb(peak || null),
      ...(phases.soak ? { soak: phases.soak } : {}),
    },
    notes,
    ...(profile ? { profile } : {}),
  };
}

let opts: BenchOptions;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  log((err as Error).message);
  process.exit(2);
}
try {
  const report = await main(opts);
  await cleanup();
  const json = JSON.stringify(report);
  const dir = path.join(REPO, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${report.at.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, json + '\n');
  if (!opts.jsonOnly) {
    process.stdout.write(humanReport(report) + '\n');
    if (report.profile)
      process.stdout.write(
        `\nchainlake CPU profile ${report.profile.file}, top self time:\n${formatHotFunctions({ totalMs: report.profile.total_ms, idleMs: report.profile.idle_ms, top: report.profile.top }).join('\n')}\n`,
      );
    process.stdout.write(`saved ${path.relative(REPO, file)}\n\n`);
  }
  process.stdout.write(json + '\n');
} catch (err) {
  if (!interrupted) log(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
