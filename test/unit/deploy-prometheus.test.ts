import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC } from '../../src/metrics/index.js';
import { familiesOf, familyOfSeries, sampleExposition, seriesNamesIn } from './exported-metrics.js';
import { findPromtool, promtoolRequired, runPromtool } from './promtool.js';

const ALERTS = 'deploy/prometheus/alerts.yml';
const ALERT_TESTS = 'deploy/prometheus/alerts.test.yml';
const promtool = findPromtool();

describe('promtool', () => {
  it('is installed where CI runs (.ci/run installs Debian prometheus)', () => {
    if (promtoolRequired)
      expect(promtool, 'promtool is missing: apt-get install -y prometheus').not.toBeNull();
  });

  describe.skipIf(!promtool)('checks', () => {
    it('accepts our /metrics output (promtool check metrics)', async () => {
      const run = runPromtool(promtool!, ['check', 'metrics'], await sampleExposition());
      expect(run.output).toBe('');
      expect(run.status).toBe(0);
    });

    it('accepts the alerting rules (promtool check rules)', () => {
      const run = runPromtool(promtool!, ['check', 'rules', ALERTS]);
      expect(run.status, run.output).toBe(0);
    });

    it('passes the alert unit tests (promtool test rules)', () => {
      const run = runPromtool(promtool!, ['test', 'rules', ALERT_TESTS]);
      expect(run.status, run.output).toBe(0);
    });
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  it('alerts on commit lag, a stalled watermark, commit failures, 5xx, rejections and the log near its cap', () => {
    const rules = readFileSync(ALERTS, 'utf8');
    const alerts = [...rules.matchAll(/^\s+- alert: (\S+)$/gm)].map((m) => m[1]);
    expect(alerts).toEqual([
      'ChainlakeCommitLagHigh',
      'ChainlakeWatermarkStalled',
      'ChainlakeCommitFailures',
      'ChainlakeIngestServerErrors',
      'ChainlakeLogMessagesRejected',
      'ChainlakeRawRejectionsHigh',
      'ChainlakeLogNearCap',
    ]);
    const tests = readFileSync(ALERT_TESTS, 'utf8');
    for (const alert of alerts) expect(tests, `${alert} has a unit test`).toContain(`alertname: ${alert}`);
  });

  it('names only metrics chainlake exports', async () => {
    const families = familiesOf(await sampleExposition());
    const names = seriesNamesIn(readFileSync(ALERTS, 'utf8'));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(familyOfSeries(name, families), name).not.toBeNull();
  });
});

describe('docs/metrics.md', () => {
  it('lists every metric chainlake defines', async () => {
    const doc = readFileSync('docs/metrics.md', 'utf8');
    for (const name of Object.values(METRIC)) expect(doc, name).toContain(`\`${name}\``);
    // prom-client's process and Node metrics are listed by family.
    for (const name of familiesOf(await sampleExposition()).keys()) {
      if (!Object.values<string>(METRIC).includes(name)) expect(doc, name).toContain(`\`${name}\``);
    }
  });
});
