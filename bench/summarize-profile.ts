/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time.
 * As a command: `npx tsx bench/summarize-profile.ts FILE.cpuprofile [--top N]`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    hitCount?: number;
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  location: string;
  selfMs: number;
  /** Share of the busy time (all sampled time but `(idle)`). */
  selfPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** The functions with the most self time, `(idle)` left out. */
  top: HotFunction[];
}

export async function summarizeProfile(file: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    // timeDeltas[i] is the time before sample i; charge each interval to the sample that ends it.
    profile.samples.forEach((id, i) =>
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas![i]!)),
    );
  } else {
    const hits = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
    const perHit = (profile.endTime - profile.startTime) / hits;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * perHit);
  }
  const byFunction = new Map<string, HotFunction>();
  let totalUs = 0;
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    totalUs += us;
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    // Code compiled by tsx reports line 0; the file alone says more than a wrong line.
    const location = f.url ? shortUrl(f.url) + (f.lineNumber > 0 ? `:${f.lineNumber + 1}` : '') : '';
    const key = `${name}\u0000${location}`;
    const entry = byFunction.get(key) ?? { name, location, selfMs: 0, selfPct: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
  }
  const all = [...byFunction.values()];
  const idleMs = all.filter((e) => e.name === '(idle)').reduce((n, e) => n + e.selfMs, 0);
  const busyMs = totalUs / 1000 - idleMs;
  const sorted = all
    .filter((e) => e.name !== '(idle)')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  for (const e of sorted) {
    e.selfPct = busyMs > 0 ? Math.round((e.selfMs * 1000) / busyMs) / 10 : 0;
    e.selfMs = Math.round(e.selfMs);
  }
  return { totalMs: Math.round(totalUs / 1000), idleMs: Math.round(idleMs), top: sorted };
}

/** The summary as aligned text lines. */
export function formatHotFunctions(s: ProfileSummary): string[] {
  const busy = s.totalMs - s.idleMs;
  const lines = [
    `${s.totalMs} ms sampled, ${busy} ms busy (${s.totalMs > 0 ? Math.round((busy * 100) / s.totalMs) : 0}%); self time, % of busy:`,
    `${'self ms'.padStart(9)} ${'%'.padStart(6)}  function (location)`,
  ];
  for (const f of s.top)
    lines.push(
      `${String(f.selfMs).padStart(9)} ${f.selfPct.toFixed(1).padStart(6)}  ${f.name}${f.location ? `  (${f.location})` : ''}`,
    );
  return lines;
}

/** Paths relative to the repository, and node_modules shortened to the package. */
function shortUrl(url: string): string {
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) return p.slice(nm + 1);
  return path.isAbsolute(p) ? path.relative(process.cwd(), p) : p;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, flag, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/summarize-profile.ts FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const summary = await summarizeProfile(file, flag === '--top' ? Number(n) : 15);
  process.stdout.write(formatHotFunctions(summary).join('\n') + '\n');
}
