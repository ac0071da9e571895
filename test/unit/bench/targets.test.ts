import { describe, expect, it } from 'vitest';
import type { FixedReport, SustainedReport } from '../../../bench/phase-reports.js';
import { quantileWithMissing, targetRows, type TargetInputs } from '../../../bench/targets.js';

const summary = (p50: number, p99: number, count = 1000) => ({
  count,
  mean: p50,
  p50,
  p90: p99,
  p99,
  max: p99,
});
const resources = (cpuUs: number, pgBytes: number) => ({
  events: 1000,
  wall_s: 10,
  cpu: {
    total_s: 1,
    main_s: 0.5,
    committer_s: 0.4,
    busy_cores: 0.1,
    total_us_per_event: cpuUs,
    main_us_per_event: cpuUs / 2,
    committer_us_per_event: cpuUs / 3,
    other_us_per_event: cpuUs / 6,
  },
  bytes_per_event: { jetstream: 1500, postgres: pgBytes, lake: 700 },
});
const sustained = (committed: number | null, cpuUs: number, pgBytes: number, payload = 1024) =>
  ({
    transport: 'http',
    batch: 100,
    batch_requested: 100,
    payload_bytes: payload,
    events_per_s: 40_000,
    committed: { events_per_s: committed, events: 1, visible_after_s: 31 },
    resources: resources(cpuUs, pgBytes),
  }) as unknown as SustainedReport;
const fixed = (over: Partial<FixedReport> = {}) =>
  ({
    offered_events_per_s: 10_000,
    answer_ms: summary(5, 20),
    visible_ms: summary(150, 800),
    not_visible: 0,
    steady_state: true,
    ...over,
  }) as FixedReport;
const status = (inputs: TargetInputs) => Object.fromEntries(targetRows(inputs).map((r) => [r.id, r.status]));

describe('targetRows', () => {
  it('marks every target met when each figure is within its bound', () => {
    expect(
      status({
        main: sustained(31_000, 29, 0),
        small: sustained(35_000, 25, 399, 200),
        latency: fixed(),
        ceilingMin: 70_000,
      }),
    ).toEqual({
      committed: 'met',
      cpu: 'met',
      visible_p50: 'met',
      visible_p99: 'met',
      ingest_p99: 'met',
      ratio: 'met',
      postgres_bytes: 'met',
    });
  });

  it('marks each target missed, with the figure, when it is out of bounds', () => {
    const rows = targetRows({
      main: sustained(9_000, 121, 0),
      small: sustained(9_000, 121, 605, 200),
      latency: fixed({ answer_ms: summary(11, 78), visible_ms: summary(3839, 6171) }),
      ceilingMin: 50_769,
    });
    expect(rows.map((r) => r.status)).toEqual(Array(7).fill('missed'));
    expect(rows.find((r) => r.id === 'ratio')!.value).toBe(0.177);
    expect(rows.find((r) => r.id === 'postgres_bytes')!.figure).toMatch(/^605 B \(payload 200 B\)/);
    expect(rows.find((r) => r.id === 'visible_p99')!.figure).toBe('6,171 ms');
  });

  it('does not judge latency measured at another rate, nor storage of large payloads', () => {
    const s = status({
      main: sustained(31_000, 29, 0),
      small: sustained(31_000, 29, 300, 1024),
      latency: fixed({ offered_events_per_s: 2000 }),
      ceilingMin: 70_000,
    });
    expect([s.visible_p50, s.visible_p99, s.ingest_p99, s.postgres_bytes]).toEqual([
      'n/a',
      'n/a',
      'n/a',
      'n/a',
    ]);
  });

  it('answers n/a for what was not measured, and a missed committed rate when nothing became visible', () => {
    const rows = targetRows({ main: sustained(null, 29, 0), small: null, latency: null, ceilingMin: null });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toMatchObject({
      committed: 'missed',
      cpu: 'met',
      visible_p50: 'n/a',
      ratio: 'n/a',
      postgres_bytes: 'n/a',
    });
  });

  it('counts batches that never became visible against the p99', () => {
    const rows = targetRows({
      main: null,
      small: null,
      latency: fixed({ visible_ms: summary(150, 800, 980), not_visible: 20 }),
      ceilingMin: null,
    });
    const p99 = rows.find((r) => r.id === 'visible_p99')!;
    expect(p99.status).toBe('missed');
    expect(p99.figure).toMatch(/^∞, 20 batches not visible/);
    expect(rows.find((r) => r.id === 'visible_p50')!.status).toBe('met');
  });
});

describe('quantileWithMissing', () => {
  it('keeps the quantile while the missing fit above it, else it is unbounded', () => {
    expect(quantileWithMissing(0.99, 800, 990, 10)).toBe(800);
    expect(quantileWithMissing(0.99, 800, 989, 11)).toBe(Infinity);
    expect(quantileWithMissing(0.5, 100, 0, 0)).toBeNaN();
  });
});
