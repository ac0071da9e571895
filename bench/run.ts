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
import { buildSample } from './ceiling-sample.js';
import { runCeilings } from './ceilings.js';
import { sweepStale } from './drop-resources.js';
import { startLoad, type LoadClient } from './load-client.js';
import type { Target } from './load-protocol.js';
import type { BenchContext } from './observe-phase.js';
import { parseOptions, type BenchOptions, type Transport } from './options.js';
import { checkDisk, eventBytes } from './plan.js';
import { humanReport, type BenchReport } from './report.js';
import { runPhases } from './run-phases.js';
import { procRss } from './scrape.js';
import { REPO, startStack, type Stack } from './stack.js';
import { round } from './stats.js';
import { formatHotFunctions, summarizeProfile } from './summarize-profile.js';

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
  log(await checkDisk(opts, perEvent, opts.transports.length * (1 + opts.extraBatches.length)));
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
    env:
      opts.soakS > 0 ? { CHAINLAKE_LOG_RETENTION: process.env.CHAINLAKE_LOG_RETENTION ?? '15m' } : {},
    log,
  });
  log(`chainlake pid ${stack.pid} at ${stack.url}, prefix ${stack.prefix}, database ${stack.database}`);
  await createTable(stack.url);
  bus = await connectBus({ url: stack.natsUrl, prefix: stack.prefix, name: 'chainlake-bench' });
  load = startLoad();
  const target: Target = {
    url: stack.url,
    natsUrl: stack.natsUrl,
    prefix: stack.prefix,
    tenant: TENANT,
    table: TABLE,
  };
  const ctx: BenchContext = { stack, bus, load, target, log };

  const transports: Transport[] = [];
  for (const t of opts.transports) {
    if (t === 'http') transports.push(t);
    else {
      load.send({ type: 'probe', transport: t, target });
      const probe = await load.next('probe-result', 45_000);
      if (probe.ok) transports.push(t);
      else
        notes.push(
          `nats transport skipped: ${probe.detail} (the NATS ingest endpoint of contract §5 is not serving in this build)`,
        );
      log(`nats probe: ${probe.ok ? 'ok' : 'skipped'}, ${probe.detail}`);
    }
  }
  if (transports.length === 0) throw new Error('no transport to measure');

  const rssStart = await procRss(stack.pid);
  let peak = rssStart ?? 0;
  const phases = await runPhases(ctx, opts, transports, perEvent, bus.maxPayload(), notes, (o) => {
    peak = Math.max(peak, o.start.rssBytes, o.end.rssBytes, ...o.rssSamples.map((s) => s.bytes));
  });
  const rssEnd = await procRss(stack.pid);
  peak = Math.max(peak, rssEnd ?? 0);

  let ceiling: BenchReport['ceiling'] = null;
  let ratio: number | null = null;
  let basis: string | null = null;
  if (phases.main) {
    const sample = buildSample(
      TABLE,
      TENANT,
      phases.main.tag,
      opts.sessions,
      phases.main.batch,
      opts.payloadBytes,
      CEILING_SAMPLE_EVENTS,
    );
    ceiling = await runCeilings(bus, stack.databaseUrl, sample, opts.ceilingS, log);
    const measured = phases.throughput[phases.main.key]!.events_per_s;
    ratio = round(
      measured / Math.min(ceiling.verify_events_per_s, ceiling.publish_events_per_s, ceiling.copy_rows_per_s),
      3,
    );
    basis = `${phases.main.key} ${measured} events/s`;
  }

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
      commit_max_bytes: process.env.CHAINLAKE_COMMIT_MAX_BYTES ?? `${loadConfig({}).committer.maxBytes} (default)`,
      commit_max_wait_ms: process.env.CHAINLAKE_COMMIT_MAX_WAIT_MS ?? '50 (default)',
      nats_max_payload: bus.maxPayload(),
      event_bytes: Math.round(perEvent),
    },
    throughput: phases.throughput,
    latency: phases.latency,
    ceiling,
    ratio,
    ratio_basis: basis,
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

async function createTable(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/tables`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
    body: JSON.stringify({
      name: TABLE,
      description: 'chainlake bench',
      columns: [
        { name: 'model', type: 'string' },
        { name: 'tokens', type: 'int64' },
        { name: 'cost', type: 'double' },
      ],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201)
    throw new Error(`creating table ${TABLE} answered ${res.status}: ${await res.text()}`);
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
