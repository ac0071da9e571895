import type { FixedReport, SoakReport, SustainedReport } from './phase-reports.js';
import { resourceLines, targetLines } from './report-resources.js';
import { fmt, table, type Cell } from './table.js';
import type { ResourceUse } from './resources.js';
import type { HotFunction } from './summarize-profile.js';
import type { TargetRow } from './targets.js';

/** The one JSON line `npm run bench` ends with (and saves to bench/results/<timestamp>.json). */
export interface BenchReport {
  bench: 'chainlake';
  at: string;
  machine: {
    cores: number;
    mem_gib: number;
    node: string;
    cpu: string;
    loadavg_start: number[];
    loadavg_end: number[];
  };
  options: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Sustained phases, keyed `{transport}_b{requested batch}`. */
  throughput: Record<string, SustainedReport>;
  /** Fixed-rate phases, keyed by transport. */
  latency: Record<string, FixedReport>;
  ceiling: {
    sample_events: number;
    sample_batch: number;
    verify_events_per_s: number;
    publish_events_per_s: number;
    publish_messages_per_s: number;
    publish_mb_per_s: number;
    copy_rows_per_s: number;
  } | null;
  /** chainlake sustained events/s ÷ min(ceilings); `ratio_basis` names the phase. */
  ratio: number | null;
  ratio_basis: string | null;
  /** The same with the phase's committed events/s (everything accepted visible): the issue 11 ratio. */
  ratio_committed: number | null;
  /** From chainlake's start to the end of the last phase: CPU and bytes per event accepted. */
  run_resources: ResourceUse | null;
  /** Issue 11's targets against this run. */
  targets: TargetRow[];
  rss: { start_mb: number | null; end_mb: number | null; peak_mb: number | null; soak?: SoakReport };
  notes: string[];
  profile?: { file: string; total_ms: number; idle_ms: number; top: HotFunction[] };
}

const errText = (e: Record<string, number>) =>
  Object.keys(e).length === 0
    ? '0'
    : Object.entries(e)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ');

const SUSTAINED_HEAD = [
  'transport',
  'batch',
  'events/s',
  'MB/s',
  'req/s',
  'p50 ms',
  'p99 ms',
  'committed ev/s',
  'visible s',
  'lag end s',
  'kept up',
  'drain s',
  'rows/file',
  'msgs/commit',
  'commit ms',
  'errors',
];
const FIXED_HEAD = [
  'transport',
  'batch',
  'offered ev/s',
  'accepted ev/s',
  'answer p50',
  'p99',
  'max',
  'visible p50',
  'p99',
  'max',
  'not visible',
  'late sends',
  'steady',
  'errors',
];

function sustainedRows(r: BenchReport): Cell[][] {
  return Object.values(r.throughput).map((t) => [
    t.transport,
    `${t.batch === t.batch_requested ? t.batch : `${t.batch_requested}→${t.batch}`}${t.payload_bytes === r.options.payloadBytes ? '' : ` (${t.payload_bytes} B)`}`,
    t.events_per_s,
    t.mb_per_s,
    t.requests_per_s,
    t.latency_ms.p50,
    t.latency_ms.p99,
    t.committed.events_per_s ?? '-',
    t.committed.visible_after_s ?? '-',
    t.committed.lag_seconds_end,
    t.committed.kept_up ? 'yes' : 'NO',
    t.committed.drain_s ?? '-',
    t.commits.rows_per_file,
    t.commits.messages_per_commit,
    t.commits.avg_commit_ms,
    errText(t.errors),
  ]);
}

function fixedRows(r: BenchReport): Cell[][] {
  return Object.values(r.latency).map((l) => [
    l.transport,
    l.batch,
    l.offered_events_per_s,
    l.accepted_events_per_s,
    l.answer_ms.p50,
    l.answer_ms.p99,
    l.answer_ms.max,
    l.visible_ms.p50,
    l.visible_ms.p99,
    l.visible_ms.max,
    l.not_visible,
    l.late_sends,
    l.steady_state ? 'yes' : 'NO',
    errText(l.errors),
  ]);
}

function ceilingLines(r: BenchReport): string[] {
  const c = r.ceiling;
  if (!c) return [];
  const rows: Cell[][] = [
    ['verify', c.verify_events_per_s, 'events: JSON.parse + JCS + SHA-256 + link check, one core'],
    [
      'publish',
      c.publish_events_per_s,
      `events: JetStream, ${fmt(c.publish_messages_per_s)} msg/s, ${fmt(c.publish_mb_per_s)} MB/s, 256 in flight`,
    ],
    ['copy', c.copy_rows_per_s, 'rows: Postgres COPY, records shape, 1000 rows per COPY'],
  ];
  return [
    `Bare ceiling on the same bytes (${fmt(c.sample_events)} events, batches of ${c.sample_batch})`,
    ...table(['measurement', 'per second', 'what'], rows),
    `ratio = ${r.ratio_basis ?? '?'} ÷ min(ceilings) = ${r.ratio ?? 'n/a'}; with committed events/s: ${r.ratio_committed ?? 'n/a'}`,
    '',
  ];
}

/** The human-readable report. */
export function humanReport(r: BenchReport): string {
  const m = r.machine;
  const kv = (o: Record<string, unknown>) =>
    Object.entries(o)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  const out: string[] = [
    `chainlake bench  ${r.at}`,
    `machine: ${m.cores} cores (${m.cpu}), ${m.mem_gib} GiB, node ${m.node}, load average at start ${m.loadavg_start.join(' ')}`,
    `options: ${kv(r.options)}`,
    `chainlake: ${kv(r.config)}`,
    '',
  ];
  const sustained = sustainedRows(r);
  if (sustained.length > 0)
    out.push(
      'Sustained throughput (closed loop: one batch in flight per session)',
      ...table(SUSTAINED_HEAD, sustained),
      '',
    );
  const fixed = fixedRows(r);
  if (fixed.length > 0)
    out.push(
      'Fixed offered load (open loop), latency in ms from the scheduled send',
      ...table(FIXED_HEAD, fixed),
      '',
    );
  out.push(...ceilingLines(r), ...resourceLines(r));
  const mb = (x: number | null | undefined) => (x == null ? 'n/a' : `${x} MB`);
  out.push(
    `RSS of chainlake: start ${mb(r.rss.start_mb)}, end ${mb(r.rss.end_mb)}, peak seen ${mb(r.rss.peak_mb)}`,
  );
  const s = r.rss.soak;
  if (s)
    out.push(
      `soak ${s.duration_s} s at ${s.rate} ev/s (accepted ${s.accepted_events_per_s}/s): RSS ${s.min_mb}–${s.max_mb} MB, ` +
        `first quarter ${s.first_quarter_mb} MB, last quarter ${s.last_quarter_mb} MB, slope ${s.slope_mb_per_h} MB/h → ${s.flat ? 'flat (±10%)' : 'NOT flat'}`,
    );
  out.push('', ...targetLines(r.targets));
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
