import type { Bus } from '../src/bus/index.js';
import type { LoadClient } from './load-client.js';
import type { FromLoad, PhaseResult, PhaseSpec, Target } from './load-protocol.js';
import { procRss, readWatermark, scrapeMetrics, type Scrape, type Watermark } from './scrape.js';
import { delay, type Stack } from './stack.js';

const PREPARE_TIMEOUT_MS = 20 * 60_000;
/** After the window: in-flight requests (30 s timeout, retried) and the visibility drain (30 s). */
const RESULT_GRACE_MS = 5 * 60_000;
const CATCH_UP_TIMEOUT_MS = 180_000;
const RSS_SAMPLE_MS = 10_000;

export interface BenchContext {
  stack: Stack;
  bus: Bus;
  load: LoadClient;
  target: Target;
  log: (line: string) => void;
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
  rssSamples: { tS: number; bytes: number }[];
  prepared: { events: number; bytes: number; ms: number };
}

/**
 * Runs one phase in the load process: waits until the committer is idle, lets the load process
 * pre-generate, starts it, scrapes /metrics and the watermark at the window's edges, and waits for the
 * committer to catch up afterwards. Every wait is bounded.
 */
export async function observePhase(ctx: BenchContext, spec: PhaseSpec, sampleRss = false): Promise<Observed> {
  const idle = await waitCaughtUp(ctx, CATCH_UP_TIMEOUT_MS);
  if (idle === null)
    ctx.log(`note: the committer was still behind after ${CATCH_UP_TIMEOUT_MS / 1000} s; starting anyway`);
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
  try {
    ctx.load.send({ type: 'start', id: spec.id });
    const { result } = await ctx.load.next(
      'result',
      (spec.warmupS + spec.durationS) * 1000 + RESULT_GRACE_MS,
      (m: FromLoad) => {
        if (m.type === 'window' && m.id === spec.id) {
          // A failed scrape is reported when the result is assembled, not here.
          snaps[m.edge] = snap();
          snaps[m.edge]!.catch(() => undefined);
        }
      },
    );
    if (!snaps.start || !snaps.end) throw new Error(`${spec.id}: the window marks never arrived`);
    const [[start, wmStart], [end, wmEnd]] = await Promise.all([snaps.start, snaps.end]);
    const drainS = await waitCaughtUp(ctx, CATCH_UP_TIMEOUT_MS);
    return { result, start, end, wmStart, wmEnd, drainS, rssSamples, prepared };
  } finally {
    if (sampler) clearInterval(sampler);
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
