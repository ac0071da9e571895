import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLog } from '../../src/log.js';
import { startServer } from '../../src/server/main.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { findPromtool, promtoolRequired, runPromtool } from '../unit/promtool.js';
import { freePort } from '../support/ports.js';
import { envOf, spawnChainlake, type ChainlakeChild } from '../support/spawn-chainlake.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'scraped';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const promtool = findPromtool();

/** The value of one sample line (`name{labels} value`) in an exposition, or null. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe('a process without the api role (serve --roles committer)', () => {
  let stack: TestStack;
  let committer: ChainlakeChild;
  let metricsUrl: string;

  beforeAll(async () => {
    stack = await startTestStack('metrics', { roles: ['api'] });
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    committer = await spawnChainlake({
      ...envOf(stack.config),
      ROLES: 'committer',
      METRICS_PORT: String(port),
    });
    expect(
      (await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE, columns: [] } })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await committer?.kill();
    await stack?.stop();
  });

  it('serves /healthz and /readyz on METRICS_PORT, the same checks as the API', async () => {
    const health = await fetch(`${metricsUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${metricsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as Json).status).toBe('ready');
  });

  it('serves nothing of the API there', async () => {
    const res = await fetch(`${metricsUrl}/v1/tables`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('serves its commits on /metrics, in a form promtool accepts', async () => {
    const chain = makeTestChain(TABLE, 's-1', 20);
    for (let i = 0; i < 2; i++) {
      const res = await stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true&timeout_ms=15000`, {
        method: 'POST',
        json: { session_id: 's-1', events: chain.slice(i * 10, i * 10 + 10) },
      });
      expect(((await res.json()) as Json).status).toBe('visible');
    }
    const res = await fetch(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(sample(text, 'chainlake_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'chainlake_commit_rows_total')).toBe(22); // 20 events and 2 seals
    const lastSeq = (await stack.bus.jsm.streams.info(stack.bus.names.eventsStream)).state.last_seq;
    expect(sample(text, 'chainlake_watermark_seq')).toBe(lastSeq);
    expect(sample(text, 'chainlake_lag_messages')).toBe(0);
    expect(sample(text, 'chainlake_log_messages')).toBe(2);
    expect(sample(text, 'chainlake_log_max_bytes')).toBe(stack.config.stream.maxBytes ?? 0);
    for (const line of text.split('\n')) {
      if (line.startsWith('# TYPE ')) expect(line.split(' ')[2]).toMatch(/^chainlake_/);
    }

    if (promtoolRequired)
      expect(promtool, 'promtool is missing: apt-get install -y prometheus').not.toBeNull();
    if (promtool) {
      const run = runPromtool(promtool, ['check', 'metrics'], text);
      expect(run.output).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it('stops promptly with a scraper keeping its connection open', async () => {
    const running = await startServer(
      loadConfig({ ...envOf(stack.config), METRICS_PORT: '0' }),
      ['committer'],
      { log: createLog('error') },
    );
    expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.url).toBeUndefined();
    expect((await fetch(`${running.metricsUrl}/metrics`)).status).toBe(200); // keep-alive
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('serves nothing without METRICS_PORT', async () => {
    const running = await startServer(loadConfig(envOf(stack.config)), ['committer'], {
      log: createLog('error'),
    });
    try {
      expect(running.metricsUrl).toBeUndefined();
    } finally {
      await running.stop();
    }
  });
});
