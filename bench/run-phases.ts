import type { PhaseSpec } from './load-protocol.js';
import { observePhase, type BenchContext, type Observed } from './observe-phase.js';
import type { BenchOptions, Transport } from './options.js';
import {
  fixedReport,
  soakReport,
  sustainedReport,
  type FixedReport,
  type SoakReport,
  type SustainedReport,
} from './phase-reports.js';
import { eventBytes, fittingBatch, PregenBudget } from './plan.js';

/** The extra sustained phase at `--small-payload` runs at most this long (it measures storage, not speed). */
const SMALL_PAYLOAD_MAX_S = 15;
/** Bound on the wait for earlier phases' backlog before the latency phase. */
const BACKLOG_TIMEOUT_MS = 600_000;

export interface PhaseOutcome {
  throughput: Record<string, SustainedReport>;
  latency: Record<string, FixedReport>;
  soak?: SoakReport;
  /** The tag and batch of the main sustained phase: the ceiling sample repeats its first bytes. */
  main: { tag: string; batch: number; key: string } | null;
  /** Key of the sustained phase whose Postgres bytes/event is compared with the target (~200 B payloads). */
  small: string | null;
}

/** Tag of a sustained phase; its sessions are `{tag}-s{i}`. */
export const sustainedTag = (t: Transport, batch: number) => `sus-${t}-b${batch}`;

/**
 * Runs, in order, sustained throughput per transport and batch size, then fixed-rate latency per
 * transport; with `--soak`, only the soak (a fresh process, so its RSS is not the other phases').
 * `seen` gets every phase's observations (for the RSS peak).
 */
export async function runPhases(
  ctx: BenchContext,
  opts: BenchOptions,
  transports: Transport[],
  perEvent: number,
  maxPayload: number,
  notes: string[],
  seen: (o: Observed) => void,
): Promise<PhaseOutcome> {
  const budget = new PregenBudget(opts, perEvent);
  const out: PhaseOutcome = { throughput: {}, latency: {}, main: null, small: null };
  const base = {
    target: ctx.target,
    sessions: opts.sessions,
    payloadBytes: opts.payloadBytes,
    warmupS: opts.warmupS,
    durationS: opts.durationS,
  };
  const fit = (requested: number) => {
    const batch = fittingBatch(requested, perEvent, maxPayload);
    if (batch !== requested)
      notes.push(
        `batch ${requested} × ~${Math.round(perEvent)} B does not fit one NATS message (max_payload ${maxPayload}); ran ${batch} instead (raise max_payload on the server or lower --payload)`,
      );
    return batch;
  };

  if (opts.soakS > 0) {
    out.soak = await runSoak(ctx, opts, transports[0]!, fit(opts.batch), budget, base, seen);
    return out;
  }

  const sustained = async (
    transport: Transport,
    requested: number,
    payloadBytes: number,
    phaseBudget: PregenBudget,
    durationS: number,
  ) => {
    const small = payloadBytes !== opts.payloadBytes;
    const batch = small
      ? fittingBatch(requested, eventBytes(ctx.target.table, payloadBytes), maxPayload)
      : fit(requested);
    const tag = `${sustainedTag(transport, batch)}${small ? `-p${payloadBytes}` : ''}`;
    const spec: PhaseSpec = {
      ...base,
      id: tag,
      mode: 'closed',
      transport,
      batch,
      payloadBytes,
      durationS,
      sessionTag: tag,
      pregenEvents: phaseBudget.sustained(opts.warmupS + durationS),
      trackVisibility: false,
    };
    ctx.log(`sustained: ${transport}, batch ${batch}, payload ${payloadBytes} B`);
    const o = await observePhase(ctx, spec);
    seen(o);
    const rep = sustainedReport(o, transport, batch, requested, payloadBytes);
    phaseBudget.measured(rep.events_per_s);
    const key = `${transport}_b${requested}${small ? `_p${payloadBytes}` : ''}`;
    out.throughput[key] = rep;
    if (rep.client.generated_live > 0)
      notes.push(
        `${key}: the load process ran out of pre-generated events and generated ${rep.client.generated_live} in the window (raise --pregen-mb)`,
      );
    const cpu = rep.resources?.cpu.total_us_per_event;
    ctx.log(
      `  → ${rep.events_per_s} events/s accepted, ${rep.committed.events_per_s ?? '-'} committed/s (all visible after ${rep.committed.visible_after_s ?? '-'} s), p99 ${rep.latency_ms.p99} ms, CPU ${cpu ?? '-'} µs/event`,
    );
    return { tag, batch, key };
  };

  for (const transport of transports) {
    for (const requested of [opts.batch, ...opts.extraBatches]) {
      const phase = await sustained(transport, requested, opts.payloadBytes, budget, opts.durationS);
      if (requested === opts.batch && !out.main) out.main = phase;
    }
  }
  // Storage per event depends on the payload size; the target is stated for ~200 B payloads.
  if (opts.smallPayloadBytes > 0 && opts.smallPayloadBytes !== opts.payloadBytes) {
    const perSmall = eventBytes(ctx.target.table, opts.smallPayloadBytes);
    const smallBudget = new PregenBudget(opts, perSmall);
    const phase = await sustained(
      transports[0]!,
      opts.batch,
      opts.smallPayloadBytes,
      smallBudget,
      Math.min(opts.durationS, SMALL_PAYLOAD_MAX_S),
    );
    out.small = phase.key;
  } else if (out.main) out.small = out.main.key;

  const batch = fit(opts.batch);
  for (const transport of transports) {
    const tag = `fix-${transport}-b${batch}`;
    const spec: PhaseSpec = {
      ...base,
      id: tag,
      mode: 'open',
      transport,
      batch,
      sessionTag: tag,
      rate: opts.rate,
      pregenEvents: budget.fixed(opts.warmupS + opts.durationS),
      trackVisibility: true,
    };
    ctx.log(`fixed load: ${transport}, ${opts.rate} events/s in batches of ${batch}`);
    // Steady state: the backlog the sustained phases left is committed before the first slot.
    const o = await observePhase(ctx, spec, { backlogTimeoutMs: BACKLOG_TIMEOUT_MS });
    seen(o);
    const rep = fixedReport(o, transport, batch, opts.rate);
    out.latency[transport] = rep;
    if (!rep.steady_state)
      notes.push(
        `latency ${transport}: the backlog of earlier phases was not committed within ${BACKLOG_TIMEOUT_MS / 1000} s; its latencies are not steady state`,
      );
    ctx.log(
      `  → answer p50 ${rep.answer_ms.p50} / p99 ${rep.answer_ms.p99} ms, visible p50 ${rep.visible_ms.p50} / p99 ${rep.visible_ms.p99} ms`,
    );
  }

  return out;
}

async function runSoak(
  ctx: BenchContext,
  opts: BenchOptions,
  transport: Transport,
  batch: number,
  budget: PregenBudget,
  base: Pick<PhaseSpec, 'target' | 'sessions' | 'payloadBytes' | 'warmupS' | 'durationS'>,
  seen: (o: Observed) => void,
): Promise<SoakReport> {
  const tag = `soak-${transport}-b${batch}`;
  const spec: PhaseSpec = {
    ...base,
    id: tag,
    mode: 'open',
    transport,
    batch,
    sessionTag: tag,
    rate: opts.rate,
    durationS: opts.soakS,
    pregenEvents: budget.fixed(opts.warmupS + opts.soakS),
    trackVisibility: false,
  };
  ctx.log(`soak: ${opts.soakS} s at ${opts.rate} events/s, RSS sampled every 10 s`);
  const o = await observePhase(ctx, spec, { sampleRss: true });
  seen(o);
  return soakReport(o, opts.soakS, opts.warmupS, opts.rate);
}
