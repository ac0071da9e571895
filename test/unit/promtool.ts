import { spawnSync } from 'node:child_process';

/** promtool from Debian's `prometheus` package (.ci/run installs it); null when absent. */
export function findPromtool(): string | null {
  const bin = process.env.PROMTOOL ?? 'promtool';
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return probe.status === 0 ? bin : null;
}

/** In CI a missing promtool is a failure, never a skip. */
export const promtoolRequired = process.env.CI === 'true';

export interface PromtoolRun {
  status: number | null;
  output: string;
}

/** Runs promtool with `args` (and `input` on stdin), bounded in time. */
export function runPromtool(bin: string, args: string[], input?: string): PromtoolRun {
  const run = spawnSync(bin, args, { encoding: 'utf8', input, timeout: 30_000 });
  return { status: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}
