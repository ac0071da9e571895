import { createMetrics } from '../../src/metrics/index.js';

/** The exposition of a registry that has seen every kind of observation, as a scrape would show it. */
export async function sampleExposition(): Promise<string> {
  const m = createMetrics();
  m.observeIngest('http', 'accepted', 0.004, 10);
  m.observeIngest('raw', 'hash_mismatch', 0.002);
  m.observeCommit({
    kind: 'committed',
    seconds: 0.05,
    committed: 3,
    alreadyDone: 1,
    fenced: 0,
    rows: 30,
    fileRows: [30],
    redelivered: 1,
  });
  m.observeCommit({ kind: 'failed', messages: 2, seconds: 0.1 } as Parameters<typeof m.observeCommit>[0]);
  m.observeCommit({ kind: 'poisoned', messages: 1 });
  m.observeWriteToVisible(0.2);
  m.observePurge('events', 5);
  m.setLagSource(async () => ({ watermark: 7, messages: 2, seconds: 0.5 }));
  m.setLogSource(async () => ({ messages: 9, bytes: 4096, maxBytes: 0, firstSeq: 3 }));
  return (await m.text()).body;
}

/** Metric families of an exposition: name → type. */
export function familiesOf(exposition: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1]!, match[2]!);
  return families;
}

/** The family a series name in a query belongs to (`x_bucket` → `x` for a histogram), or null. */
export function familyOfSeries(name: string, families: Map<string, string>): string | null {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return families.get(base) === 'histogram' || families.get(base) === 'summary' ? base : null;
}

/** Every `chainlake_…` series name a PromQL text mentions. */
export function seriesNamesIn(promql: string): string[] {
  return [...new Set(promql.match(/\bchainlake_[a-z0-9_]+/g) ?? [])];
}
