import type { FixedReport, SustainedReport } from './phase-reports.js';
import { round } from './stats.js';

/** The rate at which issue 11 states its latency targets. */
export const TARGET_RATE = 10_000;
/** Payloads up to this size count as "~200 B" for the storage target. */
const SMALL_PAYLOAD_LIMIT = 250;

export type TargetStatus = 'met' | 'missed' | 'n/a';

export interface TargetRow {
  id: string;
  target: string;
  goal: string;
  /** What was measured, in words, with the figure compared. */
  figure: string;
  value: number | null;
  status: TargetStatus;
}

export interface TargetInputs {
  /** The main sustained phase (HTTP, `--batch`, `--payload`). */
  main: SustainedReport | null;
  /** The sustained phase at ~200 B payloads. */
  small: SustainedReport | null;
  /** The fixed-rate latency phase over HTTP. */
  latency: FixedReport | null;
  /** min(verify, publish, COPY) of the bare ceilings, per second. */
  ceilingMin: number | null;
}

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

/**
 * A latency quantile that counts batches never seen visible as slower than every visible one: past the
 * share they take at the top, the quantile is unbounded.
 */
export function quantileWithMissing(q: number, value: number, count: number, missing: number): number {
  const all = count + missing;
  if (all === 0) return NaN;
  return missing > (1 - q) * all ? Infinity : value;
}

function row(
  id: string,
  target: string,
  goal: string,
  value: number | null,
  meets: (v: number) => boolean,
  figure: string,
  applies = true,
): TargetRow {
  const known = value !== null && !Number.isNaN(value);
  const status: TargetStatus = !known || !applies ? 'n/a' : meets(value) ? 'met' : 'missed';
  return { id, target, goal, figure, value: known && Number.isFinite(value) ? value : null, status };
}

/** Every target of issue 11, compared with this run's figures. */
export function targetRows(t: TargetInputs): TargetRow[] {
  const rows: TargetRow[] = [];
  const m = t.main;
  // Nothing seen visible within the bound counts as committing nothing in time.
  const committed = m ? (m.committed.events_per_s ?? 0) : null;
  const allVisible = m?.committed.events_per_s != null;
  rows.push(
    row(
      'committed',
      'committed events/s, everything accepted visible',
      '≥ 30,000',
      committed,
      (v) => v >= 30_000,
      m
        ? `${allVisible ? n(committed!) : 'not all visible within 180 s'} (${m.transport} batch ${m.batch}: ${n(m.events_per_s)} accepted, all visible ${m.committed.visible_after_s ?? '-'} s after the window's start)`
        : 'no sustained phase',
    ),
  );
  const cpu = m?.resources?.cpu;
  rows.push(
    row(
      'cpu',
      'chainlake CPU per event, both threads',
      '≤ 30 µs',
      cpu?.total_us_per_event ?? null,
      (v) => v <= 30,
      cpu && cpu.total_us_per_event !== null
        ? `${n(cpu.total_us_per_event)} µs (main ${cpu.main_us_per_event ?? '-'}, committer ${cpu.committer_us_per_event ?? '-'}, other ${cpu.other_us_per_event ?? '-'}; ${m!.transport} batch ${m!.batch} phase)`
        : 'no CPU reading',
    ),
  );
  const l = t.latency;
  const atRate = l !== null && l.offered_events_per_s === TARGET_RATE;
  const suffix = l
    ? [
        atRate ? '' : ` at ${n(l.offered_events_per_s)} ev/s offered, the target is at ${n(TARGET_RATE)}`,
        l.not_visible > 0 ? `, ${l.not_visible} batches not visible within 30 s` : '',
        l.steady_state ? '' : ', backlog not drained before: not steady state',
      ].join('')
    : '';
  const vis = (q: number, v: number) =>
    l ? quantileWithMissing(q, v, l.visible_ms.count, l.not_visible) : null;
  const ms = (v: number | null) => (v === null ? '-' : Number.isFinite(v) ? `${n(v)} ms` : '∞');
  const p50 = l ? vis(0.5, l.visible_ms.p50) : null;
  const p99 = l ? vis(0.99, l.visible_ms.p99) : null;
  const none = 'no latency phase';
  rows.push(
    row(
      'visible_p50',
      'write-to-visible p50 at 10k ev/s',
      '≤ 300 ms',
      p50,
      (v) => v <= 300,
      l ? `${ms(p50)}${suffix}` : none,
      atRate,
    ),
    row(
      'visible_p99',
      'write-to-visible p99 at 10k ev/s',
      '≤ 1,000 ms',
      p99,
      (v) => v <= 1000,
      l ? `${ms(p99)}${suffix}` : none,
      atRate,
    ),
    row(
      'ingest_p99',
      'ingest answer p99 at 10k ev/s',
      '≤ 25 ms',
      l?.answer_ms.p99 ?? null,
      (v) => v <= 25,
      l ? `${ms(l.answer_ms.p99)}${atRate ? '' : suffix}` : none,
      atRate,
    ),
  );
  const ratio = committed !== null && t.ceilingMin ? round(committed / t.ceilingMin, 3) : null;
  rows.push(
    row(
      'ratio',
      'committed ÷ min(verify, publish, COPY) ceilings',
      '≥ 0.4',
      ratio,
      (v) => v >= 0.4,
      ratio !== null
        ? `${ratio} (${n(committed!)} ÷ ${n(t.ceilingMin!)})`
        : 'no ceiling or no committed rate',
    ),
  );
  const s = t.small;
  const pg = s?.resources?.bytes_per_event.postgres ?? null;
  const small = s !== null && s.payload_bytes <= SMALL_PAYLOAD_LIMIT;
  rows.push(
    row(
      'postgres_bytes',
      'Postgres bytes per event, ~200 B payloads',
      '≤ 400 B',
      pg,
      (v) => v <= 400,
      s
        ? `${pg === null ? '-' : `${n(pg)} B`} (payload ${s.payload_bytes} B${small ? '' : ': not ~200 B'})`
        : 'no small-payload phase',
      small,
    ),
  );
  return rows;
}
