import { describe, expect, it } from 'vitest';
import { firstCovering } from '../../../bench/commit-clock.js';
import { tokenSeq } from '../../../bench/read-visibility.js';
import { resourceUse, type Resources } from '../../../bench/resources.js';
import { metricByLabel } from '../../../bench/scrape.js';

const reading = (over: Partial<Resources>): Resources => ({
  at: 0,
  cpuS: 0,
  threadS: {},
  jetstreamBytes: 0,
  postgresBytes: 0,
  lakeBytes: 0,
  lakeFiles: 0,
  ...over,
});

describe('resourceUse', () => {
  it('divides CPU by thread and store growth by the events accepted', () => {
    const a = reading({
      at: 1000,
      cpuS: 10,
      threadS: { main: 4, committer: 3 },
      jetstreamBytes: 1e6,
      postgresBytes: 8e6,
    });
    const b = reading({
      at: 21_000,
      cpuS: 13,
      threadS: { main: 5.5, committer: 4 },
      jetstreamBytes: 1e6 + 150_000_000,
      postgresBytes: 8e6 + 60_000_000,
      lakeBytes: 70_000_000,
    });
    const u = resourceUse(a, b, 100_000);
    expect(u.wall_s).toBe(20);
    expect(u.cpu).toEqual({
      total_s: 3,
      main_s: 1.5,
      committer_s: 1,
      busy_cores: 0.15,
      total_us_per_event: 30,
      main_us_per_event: 15,
      committer_us_per_event: 10,
      other_us_per_event: 5,
    });
    expect(u.bytes_per_event).toEqual({ jetstream: 1500, postgres: 600, lake: 700 });
  });

  it('reports the process total only when the server has no thread metric', () => {
    const u = resourceUse(reading({ cpuS: 1 }), reading({ at: 1000, cpuS: 2 }), 1000);
    expect(u.cpu.total_us_per_event).toBe(1000);
    expect([u.cpu.main_us_per_event, u.cpu.committer_us_per_event, u.cpu.other_us_per_event]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('counts an in-process committer as main (no committer series)', () => {
    const u = resourceUse(
      reading({ cpuS: 1, threadS: { main: 1 } }),
      reading({ cpuS: 3, threadS: { main: 2.5 } }),
      1e6,
    );
    expect(u.cpu.main_us_per_event).toBe(1.5);
    expect(u.cpu.committer_us_per_event).toBeNull();
    expect(u.cpu.other_us_per_event).toBe(0.5);
  });

  it('answers null per event for a phase that accepted nothing', () => {
    expect(resourceUse(reading({}), reading({ at: 5 }), 0).cpu.total_us_per_event).toBeNull();
  });
});

describe('metricByLabel', () => {
  it('reads each series of a labelled counter, ignoring other metrics and comments', () => {
    const text = [
      '# HELP chainlake_thread_cpu_seconds_total CPU time',
      '# TYPE chainlake_thread_cpu_seconds_total counter',
      'chainlake_thread_cpu_seconds_total{thread="main"} 12.5',
      'chainlake_thread_cpu_seconds_total{thread="committer"} 3',
      'chainlake_thread_cpu_seconds_total_other{thread="x"} 9',
      'chainlake_process_cpu_seconds_total 20',
    ].join('\n');
    expect(metricByLabel(text, 'chainlake_thread_cpu_seconds_total', 'thread')).toEqual({
      main: 12.5,
      committer: 3,
    });
    expect(metricByLabel('', 'chainlake_thread_cpu_seconds_total', 'thread')).toEqual({});
  });
});

describe('the commit clock', () => {
  it('takes the first poll whose watermark covers the highest token', () => {
    const polls = [
      { at: 10, watermark: 3 },
      { at: 30, watermark: 7 },
      { at: 50, watermark: 9 },
    ];
    expect(firstCovering(polls, 7)).toBe(30);
    expect(firstCovering(polls, 1)).toBe(10);
    expect(firstCovering(polls, 10)).toBeNull();
  });

  it('reads the stream sequence of a v1 token only', () => {
    expect(tokenSeq('v1.42')).toBe(42);
    expect(tokenSeq('v2.42')).toBeNull();
    expect(tokenSeq(undefined)).toBeNull();
  });
});
