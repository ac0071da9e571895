import { afterEach, describe, expect, it } from 'vitest';
import { THREAD_CPU_METRIC } from '../../src/metrics/index.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const threadSeries = async (s: TestStack) => {
  const text = await (await s.request('/metrics')).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${THREAD_CPU_METRIC}\\{thread="(\\w+)"\\} (\\S+)$`, 'gm')))
    out[m[1]!] = Number(m[2]);
  return out;
};

describe.runIf(process.platform === 'linux')('chainlake_thread_cpu_seconds_total', () => {
  it('shows the main thread and the committer thread, each counting up', async () => {
    stack = await startTestStack('threadcpu', { start: { committerThread: true } });
    const first = await threadSeries(stack);
    expect(Object.keys(first).sort()).toEqual(['committer', 'main']);
    // Starting the committer thread (its module graph, connections) costs it CPU of its own.
    expect(first.committer).toBeGreaterThan(0);
    // Spin on this (the main) thread for 300 ms of CPU, however busy the machine is.
    const cpu = process.cpuUsage();
    while (process.cpuUsage(cpu).user < 300_000);
    const second = await threadSeries(stack);
    expect(second.main! - first.main!).toBeGreaterThanOrEqual(0.2);
    expect(second.committer).toBeGreaterThanOrEqual(first.committer!);
  });

  it('counts an in-process committer as main', async () => {
    stack = await startTestStack('threadcpu-inproc', { start: { committerThread: false } });
    expect(Object.keys(await threadSeries(stack))).toEqual(['main']);
  });
});
