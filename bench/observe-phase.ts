import type { Bus } from '../src/bus/index.js';
import type { LoadClient } from './load-client.js';
import type { FromLoad, PhaseResult, PhaseSpec, Target } from './load-protocol.js';
import { readResources, type Resources, type StoreWhere } from './resources.js';
import { procRss, readWatermark, scrapeMetrics, type Scrape, type Watermark } from './scrape.js';
import { delay, type Stack } from './stack.js';

const PREPARE_TIMEOUT_MS = 20 * 60_000;
/** After the window: in-flight requests (30 s timeout, retried), then the commit clock (180 s). */
const RESULT_GRACE_MS = 8 * 60_000;
const CATCH_UP_TIMEOUT_MS = 180_000;
const RSS_SAMPLE_MS = 10_000;

export interface BenchContext {
  stack: Stack;
  bus: Bus;
  load: LoadClient;
  target: Target;
  /** Where the bytes of each store are read (the run's stream, database and lake directory). */
  stores: StoreWhere;
  log: (line: string) => void;
}

export interface ObserveOptions {
  sampleRss?: boolean;
  /** How long to wait for the backlog of earlier phases to be committed before this one starts. */
  backlogTimeoutMs?: number;
}

/** What the bench process saw of one phase, besides what the load process reports. */
export interface Observed {
  result: PhaseResult;
  start: Scrape;
  end: Scrape;
  wmStart: Watermark;
  wmEnd: Watermark;
  /** Seconds after the window until the committer caught up; null if it did not within the bound. */
  drainS: number | null;
  /** Seconds spent before the phase waiting for earlier phases' backlog; null if it did not drain. */
  backlogS: number | null;
  /** CPU and store sizes just before the load starts and once everything is committed after it. */
  before: Resources | null;
  after: Resources | null;
  rssSamples: { tS: number; bytes: number }[];
  prepared: { events: number; bytes: number; ms: number };
}

/**
 * Runs one phase in the load process: waits until the committer is idle, lets the load process
 * pre-generate, starts it, scrapes /metrics and the watermark at the window's edges, and waits for the
 * committer to catch up afterwards. Every wait is bounded.
 */
export async function observePhase(
  ctx: BenchContext,
  spec: PhaseSpec,
  { sampleRss = false, backlogTimeoutMs = CATCH_UP_TIMEOUT_MS }: ObserveOptions = {},
): Promise<Observed> {
  const backlogS = await waitCaughtUp(ctx, backlogTimeoutMs);
  if (backlogS === null)
    ctx.log(`note: the committer was still behind after ${backlogTimeoutMs / 1000} s; starting anyway`);
  else if (backlogS > 1) ctx.log(`  waited ${backlogS} s for the backlog of earlier phases`);
  ctx.load.send({ type: 'phase', spec });
  const prepared = await ctx.load.next('prepared', PREPARE_TIMEOUT_MS);
  ctx.log(
    `  ${spec.id}: pre-generated ${prepared.events} events (${(prepared.bytes / 1e6).toFixed(0)} MB) in ${(prepared.ms / 1000).toFixed(1)} s; running ${spec.warmupS} s warmup + ${spec.durationS} s`,
  );

  const snaps: Partial<Record<'start' | 'end', Promise<[Scrape, Watermark]>>> = {};
  const snap = () =>
    Promise.all([
      scrapeMetrics(ctx.stack.url),
      readWatermark(ctx.stack.url, ctx.target.table, ctx.target.tenant),
    ] as const);
  const rssSamples: Observed['rssSamples'] = [];
  const t0 = performance.now();
  const sampler = sampleRss
    ? setInterval(() => {
        void procRss(ctx.stack.pid).then((bytes) => {
          if (bytes !== null) rssSamples.push({ tS: Math.round((performance.now() - t0) / 1000), bytes });
        });
      }, RSS_SAMPLE_MS)
    : null;
  const before = await readNow(ctx);
  let endMarkAt = performance.now();
  try {
    ctx.load.send({ type: 'start', id: spec.id });
    const { result } = await ctx.load.next(
      'result',
      (spec.warmupS + spec.durationS) * 1000 + RESULT_GRACE_MS,
      (m: FromLoad) => {
        if (m.type === 'window' && m.id === spec.id) {
          if (m.edge === 'end') endMarkAt = performance.now();
          // A failed scrape is reported when the result is assembled, not here.
          snaps[m.edge] = snap();
          snaps[m.edge]!.catch(() => undefined);
        }
      },
    );
    if (!snaps.start || !snaps.end) throw new Error(`${spec.id}: the window marks never arrived`);
    const [[start, wmStart], [end, wmEnd]] = await Promise.all([snaps.start, snaps.end]);
    // The load process reports once the window's last token is visible: drain time counts from the window's end.
    const caughtUp = await waitCaughtUp(ctx, CATCH_UP_TIMEOUT_MS);
    const drainS = caughtUp === null ? null : Math.round((performance.now() - endMarkAt) / 100) / 10;
    const after = await readNow(ctx);
    return { result, start, end, wmStart, wmEnd, drainS, backlogS, before, after, rssSamples, prepared };
  } finally {
    if (sampler) clearInterval(sampler);
  }
}

/** CPU (process and threads) and store sizes now; null, with a log line, if a store cannot be read. */
export async function readNow(ctx: BenchContext): Promise<Resources | null> {
  try {
    const scrape = await scrapeMetrics(ctx.stack.url).catch(() => null);
    return await readResources(ctx.stores, ctx.stack.pid, scrape?.threadCpuS ?? {});
  } catch (err) {
    ctx.log(`could not read CPU and store sizes: ${(err as Error).message}`);
    return null;
  }
}

/**
 * Seconds until the watermark reaches the end of the log, or null after `timeoutMs`. Reads the log's
 * last sequence and asks `/v1/visibility` (cheap) rather than the table watermark (which reads a batch).
 */
export async function waitCaughtUp(ctx: BenchContext, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const caughtUp = await isCaughtUp(ctx).catch(() => false);
    if (caughtUp) return Math.round((performance.now() - started) / 100) / 10;
    await delay(100);
  }
  return null;
}

async function isCaughtUp(ctx: BenchContext): Promise<boolean> {
  const info = await ctx.bus.jsm.streams.info(ctx.stack.names.eventsStream);
  if (info.state.last_seq === 0) return true;
  const res = await fetch(`${ctx.stack.url}/v1/visibility/v1.${info.state.last_seq}`, {
    headers: { 'x-tenant-id': ctx.target.tenant },
    signal: AbortSignal.timeout(10_000),
  });
  return res.ok && ((await res.json()) as { visible?: boolean }).visible === true;
}
