import type { Observed } from './observe-phase.js';
import type { Transport } from './options.js';
import { resourceUse, type ResourceUse } from './resources.js';
import type { Scrape } from './scrape.js';
import { round, slope, type Summary } from './stats.js';

/** Lag of the oldest uncommitted message at the window's end up to which the committer "kept up". */
const KEPT_UP_LAG_S = 2;
const MB = 1e6;

export interface SustainedReport {
  transport: Transport;
  batch: number;
  batch_requested: number;
  payload_bytes: number;
  events_per_s: number;
  mb_per_s: number;
  requests_per_s: number;
  latency_ms: Summary;
  committed: {
    /** Events accepted in the window ÷ seconds from its start until the watermark covered all of them. */
    events_per_s: number | null;
    events: number;
    visible_after_s: number | null;
    /** Committed watermark progress inside the window × batch size (the committer's pace under load). */
    window_progress_events_per_s: number;
    rows_per_s: number;
    lag_messages_end: number;
    lag_seconds_end: number;
    kept_up: boolean;
    drain_s: number | null;
  };
  commits: {
    commits: number;
    rows_per_file: number;
    messages_per_commit: number;
    avg_commit_ms: number;
    failures: number;
    redeliveries: number;
    fenced: number;
  };
  errors: Record<string, number>;
  failed_sessions: number;
  client: { pregen_events: number; pregen_s: number; generated_live: number };
  /** The whole phase (warmup, window, drain): CPU and bytes per event it accepted. */
  resources: ResourceUse | null;
}

/** Seconds from the window's start until everything accepted in it was visible, and the rate that gives. */
export function committedRate(r: Observed['result']): {
  eventsPerS: number | null;
  visibleAfterS: number | null;
} {
  if (r.committedMs === null || r.committedMs <= 0) return { eventsPerS: null, visibleAfterS: null };
  return {
    eventsPerS: round(r.acceptedEvents / (r.committedMs / 1000), 0),
    visibleAfterS: round(r.committedMs / 1000),
  };
}

/** CPU and bytes per event of the whole phase; null when a reading failed. */
export function phaseResources(o: Observed): ResourceUse | null {
  return o.before && o.after ? resourceUse(o.before, o.after, o.result.phaseEvents) : null;
}

type NumericKey = { [K in keyof Scrape]: Scrape[K] extends number ? K : never }[keyof Scrape];

export function sustainedReport(
  o: Observed,
  transport: Transport,
  batch: number,
  requested: number,
  payloadBytes: number,
): SustainedReport {
  const r = o.result;
  const scrapeS = (o.end.at - o.start.at) / 1000;
  const d = (k: NumericKey) => o.end[k] - o.start[k];
  const commits = d('commits');
  const committed = committedRate(r);
  return {
    transport,
    batch,
    batch_requested: requested,
    payload_bytes: payloadBytes,
    events_per_s: round(r.acceptedEvents / r.windowS, 0),
    mb_per_s: round(r.acceptedBytes / MB / r.windowS),
    requests_per_s: round(r.requests / r.windowS, 1),
    latency_ms: r.latencyMs,
    committed: {
      events_per_s: committed.eventsPerS,
      events: r.acceptedEvents,
      visible_after_s: committed.visibleAfterS,
      window_progress_events_per_s: round(((o.wmEnd.seq - o.wmStart.seq) * batch) / scrapeS, 0),
      rows_per_s: round(d('commitRows') / scrapeS, 0),
      lag_messages_end: o.wmEnd.lagMessages,
      lag_seconds_end: round(o.wmEnd.lagSeconds),
      kept_up: o.wmEnd.lagSeconds <= KEPT_UP_LAG_S,
      drain_s: o.drainS,
    },
    commits: {
      commits,
      rows_per_file: d('files') > 0 ? round(d('fileRows') / d('files'), 0) : 0,
      messages_per_commit: commits > 0 ? round(d('commitMessages') / commits, 1) : 0,
      avg_commit_ms: commits > 0 ? round((d('commitSeconds') / commits) * 1000, 1) : 0,
      failures: d('failures'),
      redeliveries: d('redeliveries'),
      fenced: d('fenced'),
    },
    errors: r.errors,
    failed_sessions: r.failedSessions,
    client: {
      pregen_events: r.pregen.events,
      pregen_s: round(r.pregen.ms / 1000, 1),
      generated_live: r.generatedLive,
    },
    resources: phaseResources(o),
  };
}

export interface FixedReport {
  transport: Transport;
  batch: number;
  offered_events_per_s: number;
  accepted_events_per_s: number;
  answer_ms: Summary;
  visible_ms: Summary;
  not_visible: number;
  late_sends: number;
  errors: Record<string, number>;
  failed_sessions: number;
  /** Seconds waited before the phase for earlier phases' backlog; null: it did not drain in time. */
  backlog_wait_s: number | null;
  /** The phase started with nothing left to commit, so its latencies are steady state. */
  steady_state: boolean;
  resources: ResourceUse | null;
}

export function fixedReport(o: Observed, transport: Transport, batch: number, rate: number): FixedReport {
  const r = o.result;
  return {
    transport,
    batch,
    offered_events_per_s: rate,
    accepted_events_per_s: round(r.acceptedEvents / r.windowS, 0),
    answer_ms: r.latencyMs,
    visible_ms: r.visibleMs ?? { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 },
    not_visible: r.notVisible ?? 0,
    late_sends: r.lateSends ?? 0,
    errors: r.errors,
    failed_sessions: r.failedSessions,
    backlog_wait_s: o.backlogS,
    steady_state: o.backlogS !== null,
    resources: phaseResources(o),
  };
}

export interface SoakReport {
  duration_s: number;
  rate: number;
  accepted_events_per_s: number;
  samples: { t_s: number; rss_mb: number }[];
  min_mb: number;
  max_mb: number;
  first_quarter_mb: number;
  last_quarter_mb: number;
  slope_mb_per_h: number;
  /** The last quarter's mean RSS is within ±10% of the first quarter's. */
  flat: boolean;
}

/**
 * RSS flatness over the soak. Samples of the settling time (the warmup, and the first 20% of the soak
 * up to 60 s: pools and JIT grow there) are left out.
 */
export function soakReport(o: Observed, durationS: number, warmupS: number, rate: number): SoakReport {
  const settleS = warmupS + Math.min(60, durationS * 0.2);
  const samples = o.rssSamples
    .filter((s) => s.tS >= settleS)
    .map((s) => ({ t_s: s.tS, rss_mb: round(s.bytes / 2 ** 20, 1) }));
  const mb = samples.map((s) => s.rss_mb);
  const q = Math.max(1, Math.floor(samples.length / 4));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const first = mean(mb.slice(0, q));
  const last = mean(mb.slice(-q));
  return {
    duration_s: durationS,
    rate,
    accepted_events_per_s: round(o.result.acceptedEvents / o.result.windowS, 0),
    samples,
    min_mb: mb.length ? Math.min(...mb) : 0,
    max_mb: mb.length ? Math.max(...mb) : 0,
    first_quarter_mb: round(first, 1),
    last_quarter_mb: round(last, 1),
    slope_mb_per_h: round(slope(samples.map((s) => ({ x: s.t_s / 3600, y: s.rss_mb }))), 1),
    flat: samples.length >= 2 && Math.abs(last - first) <= 0.1 * first,
  };
}
