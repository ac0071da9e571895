import { describe, expect, it } from 'vitest';
import { createMetrics } from './create-metrics.js';
import { sampleWriteToVisible } from './sample-write-to-visible.js';

const sample = (text: string, series: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.slice(series.length + 1),
  );

describe('createMetrics', () => {
  it('shows the lag and log size read for this scrape in every gauge, with one read each', async () => {
    const m = createMetrics();
    let reads = 0;
    m.setLagSource(async () => ({ watermark: 5 + reads++, messages: 3, seconds: 1.5 }));
    m.setLogSource(async () => ({ messages: 8, bytes: 1000, maxBytes: 4096, firstSeq: 2 }));
    const text = (await m.text()).body;
    expect(reads).toBe(1);
    expect(sample(text, 'chainlake_watermark_seq')).toBe(5);
    expect(sample(text, 'chainlake_lag_messages')).toBe(3);
    expect(sample(text, 'chainlake_lag_seconds')).toBe(1.5);
    expect(sample(text, 'chainlake_log_bytes')).toBe(1000);
    expect(sample(text, 'chainlake_log_max_bytes')).toBe(4096);
    expect(sample(text, 'chainlake_log_first_seq')).toBe(2);
  });

  it('exports no gauge named like a counter', async () => {
    const text = (await createMetrics().text()).body;
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      if (type !== 'counter') expect(name).not.toMatch(/_total$/);
    }
  });

  it('counts purges by stream, both present from the start', async () => {
    const m = createMetrics();
    m.observePurge('raw', 4);
    const text = (await m.text()).body;
    expect(sample(text, 'chainlake_log_purged_messages_total{stream="events"}')).toBe(0);
    expect(sample(text, 'chainlake_log_purged_messages_total{stream="raw"}')).toBe(4);
  });
});

describe('sampleWriteToVisible', () => {
  it('observes the age of the newest committed message at most once per interval', async () => {
    const seen: number[] = [];
    let reads = 0;
    const sampleNow = sampleWriteToVisible(
      async () => (reads++, new Date(Date.now() - 2000)),
      (s) => seen.push(s),
      60_000,
    );
    sampleNow();
    sampleNow();
    await new Promise((r) => setTimeout(r, 10));
    sampleNow();
    expect(reads).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toBeLessThan(3);
  });
});
