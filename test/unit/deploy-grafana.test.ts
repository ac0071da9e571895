import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { familiesOf, familyOfSeries, sampleExposition, seriesNamesIn } from './exported-metrics.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}
const dashboard = JSON.parse(readFileSync('deploy/grafana/chainlake.json', 'utf8')) as {
  uid: string;
  panels: Panel[];
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

describe('deploy/grafana/chainlake.json', () => {
  it('queries only metrics chainlake exports, and every query names one', async () => {
    const families = familiesOf(await sampleExposition());
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(10);
    for (const { panel, expr } of exprs) {
      const names = seriesNamesIn(expr);
      expect(names, `${panel}: ${expr}`).not.toHaveLength(0);
      for (const name of names) expect(familyOfSeries(name, families), `${panel}: ${name}`).not.toBeNull();
    }
  });

  it('shows throughput, lag, write-to-visible, commit duration and rejections', () => {
    const exprs = panels
      .flatMap((p) => p.targets ?? [])
      .map((t) => t.expr)
      .join('\n');
    for (const metric of [
      'chainlake_ingest_events_total',
      'chainlake_commit_rows_total',
      'chainlake_lag_seconds',
      'chainlake_write_to_visible_seconds_bucket',
      'chainlake_commit_duration_seconds_bucket',
      'chainlake_commit_terms_total',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(panels.map((p) => p.title).join('\n')).toMatch(/Rejections/);
  });
});
