import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import {
  cpuTicksOfStat,
  currentThreadId,
  registerThreadCpu,
  ThreadTable,
  THREAD_CPU_METRIC,
} from './thread-cpu.js';

const linux = process.platform === 'linux';
const series = (text: string, thread: string) => {
  const m = new RegExp(`^${THREAD_CPU_METRIC}\\{thread="${thread}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('cpuTicksOfStat', () => {
  it('adds utime and stime, counting fields after the last parenthesis of the command name', () => {
    const line =
      '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1234 567 0 0 20 0 11 0 5454 1000000 20000 18446744073709551615';
    expect(cpuTicksOfStat(line)).toBe(1234 + 567);
  });

  it('answers null for text that is not a stat line', () => {
    expect(cpuTicksOfStat('')).toBeNull();
    expect(cpuTicksOfStat('12 (node) S 1 2')).toBeNull();
  });

  it.runIf(linux)("parses this process's own /proc/self/stat", async () => {
    const { readFileSync } = await import('node:fs');
    expect(cpuTicksOfStat(readFileSync('/proc/self/stat', 'utf8'))).toBeGreaterThanOrEqual(0);
  });
});

describe.runIf(linux)('the thread CPU counter', () => {
  it('reports the calling thread as main and a noted worker by its tid', async () => {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
       const fs = require('node:fs');
       const ticks = () => {
         const f = fs.readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
         return Number(f[11]) + Number(f[12]);
       };
       while (ticks() < 15);
       parentPort.postMessage(tid);
       setTimeout(() => {}, 10_000);`,
      { eval: true },
    );
    try {
      const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
      const threads = new ThreadTable();
      threads.note('committer', tid);
      const registry = new Registry();
      registerThreadCpu(registry, threads);
      const text = await registry.metrics();
      expect(threads.tids.get('main')).toBe(currentThreadId());
      expect(tid).not.toBe(currentThreadId());
      expect(series(text, 'main')).toBeGreaterThan(0);
      // It spun until its own thread had used 15 ticks (150 ms) of CPU.
      expect(series(text, 'committer')).toBeGreaterThanOrEqual(0.15);
    } finally {
      await worker.terminate();
    }
  });

  it('keeps counting up when a thread is replaced by one with a new tid', async () => {
    const threads = new ThreadTable();
    const registry = new Registry();
    registerThreadCpu(registry, threads);
    threads.note('worker', currentThreadId());
    const first = series(await registry.metrics(), 'worker')!;
    threads.note('worker', 999_999_999); // gone: its last reading stays in the total
    const second = series(await registry.metrics(), 'worker')!;
    threads.note('worker', currentThreadId());
    const third = series(await registry.metrics(), 'worker')!;
    expect(second).toBe(first);
    expect(third).toBeGreaterThanOrEqual(first * 2);
  });

  it('leaves out a noted thread that had ended before the registry first read it', async () => {
    const threads = new ThreadTable();
    threads.note('committer', 999_999_999);
    const registry = new Registry();
    registerThreadCpu(registry, threads);
    const text = await registry.metrics();
    expect(series(text, 'main')).not.toBeNull();
    expect(series(text, 'committer')).toBeNull();
  });
});
