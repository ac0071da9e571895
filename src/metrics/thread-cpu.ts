/**
 * CPU seconds of this process's own threads, read from /proc at scrape time: Node 20 has no per-thread
 * CPU clock, and every thread of a Node process is named "node", so a worker is known by the tid it reports.
 */
import { readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Counter, type Registry } from 'prom-client';

export const THREAD_CPU_METRIC = 'chainlake_thread_cpu_seconds_total';
/** utime and stime are in USER_HZ ticks, which Linux fixes at 100 (`getconf CLK_TCK`) on x86 and arm. */
const TICKS_PER_SECOND = 100;

/** utime + stime (clock ticks) of a `/proc/…/stat` line, or null if it is not one. */
export function cpuTicksOfStat(line: string): number | null {
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const fields = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return fields.length > 12 && Number.isInteger(utime) && Number.isInteger(stime) ? utime + stime : null;
}

/** The kernel thread id of the calling thread (Linux), or null. */
export function currentThreadId(): number | null {
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Named threads of this process by tid; the committer thread reports its tid once it starts. */
export class ThreadTable {
  readonly tids = new Map<string, number>();
  note(name: string, tid: number | null | undefined): void {
    if (typeof tid === 'number') this.tids.set(name, tid);
  }
}

/** The threads of this process (one table per process, like its pid; each worker has its own copy). */
export const processThreads = new ThreadTable();

/** Records the tid a thread reported (`start-committer-thread.ts`). */
export const noteThread = (name: string, tid: number | null | undefined): void =>
  processThreads.note(name, tid);

async function threadSeconds(tid: number): Promise<number | null> {
  const line = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => '');
  const ticks = cpuTicksOfStat(line);
  return ticks === null ? null : ticks / TICKS_PER_SECOND;
}

/**
 * Registers `chainlake_thread_cpu_seconds_total{thread}`: the calling thread as "main", plus every thread
 * in `threads`. A thread that was replaced (a restarted worker) keeps adding to its name's total.
 */
export function registerThreadCpu(registry: Registry, threads: ThreadTable = processThreads): void {
  const main = currentThreadId();
  if (main === null) return;
  threads.note('main', main);
  const seen = new Map<string, { tid: number; seconds: number; base: number }>();
  new Counter({
    name: THREAD_CPU_METRIC,
    help: 'CPU time (user + system) of a chainlake thread',
    labelNames: ['thread'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, tid] of threads.tids) {
        const last = seen.get(name);
        const now = await threadSeconds(tid);
        // A thread that ended before this registry saw it (another server of this process) is not ours.
        if (now === null && !last) continue;
        const entry =
          last && last.tid === tid
            ? { tid, seconds: now ?? last.seconds, base: last.base }
            : { tid, seconds: now ?? 0, base: last ? last.base + last.seconds : 0 };
        seen.set(name, entry);
        this.inc({ thread: name }, entry.base + entry.seconds);
      }
    },
  });
}
