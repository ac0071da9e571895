import { readFile } from 'node:fs/promises';
import { METRIC } from '../src/metrics/metric-names.js';
import { THREAD_CPU_METRIC } from '../src/metrics/thread-cpu.js';

/** The numbers the bench reads from chainlake's `/metrics` at a point in time. */
export interface Scrape {
  at: number;
  commitRows: number;
  commits: number;
  commitMessages: number;
  commitSeconds: number;
  files: number;
  fileRows: number;
  failures: number;
  naks: number;
  redeliveries: number;
  fenced: number;
  rssBytes: number;
  /** `chainlake_thread_cpu_seconds_total` by thread label; empty from a server without it. */
  threadCpuS: Record<string, number>;
}

/** Sums every series of `name` (all label sets) in a Prometheus text exposition. */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** The series of `name` by the value of `label` (`name{label="x"} 1.5`), in a Prometheus text exposition. */
export function metricByLabel(text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${name}\\{(?:[^}]*,)?${label}="([^"]*)"[^}]*\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(re)) {
    const value = Number(m[2]);
    if (Number.isFinite(value)) out[m[1]!] = (out[m[1]!] ?? 0) + value;
  }
  return out;
}

/** A saturated server answers scrapes late (they queue behind large ingest requests); that is data, not failure. */
const SCRAPE_TIMEOUT_MS = 60_000;

export async function scrapeMetrics(url: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const v = (name: string) => metricValue(text, name);
  return {
    at: performance.now(),
    commitRows: v(METRIC.commitRows),
    commits: v(`${METRIC.commitBatchMessages}_count`),
    commitMessages: v(`${METRIC.commitBatchMessages}_sum`),
    commitSeconds: v(`${METRIC.commitDuration}_sum`),
    files: v(`${METRIC.commitFileRows}_count`),
    fileRows: v(`${METRIC.commitFileRows}_sum`),
    failures: v(METRIC.commitFailures),
    naks: v(METRIC.naks),
    redeliveries: v(METRIC.redeliveries),
    fenced: v(METRIC.fenced),
    rssBytes: v('chainlake_process_resident_memory_bytes'),
    threadCpuS: metricByLabel(text, THREAD_CPU_METRIC, 'thread'),
  };
}

export interface Watermark {
  seq: number;
  lagMessages: number;
  lagSeconds: number;
}

/**
 * `GET /v1/tables/{table}/watermark`; the token `v1.<seq>` is read as its number (bench only). A 503
 * (a saturated machine past the API's Postgres deadline) is retried after its Retry-After, as a client would.
 */
export async function readWatermark(
  url: string,
  table: string,
  tenant: string,
  attempts = 10,
): Promise<Watermark> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/v1/tables/${table}/watermark`, {
      headers: { 'x-tenant-id': tenant },
      signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
    });
    const body = (await res.json()) as { watermark?: string; lag?: { messages: number; seconds: number } };
    if (res.status === 503 && attempt < attempts) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    const m = /^v1\.(\d+)$/.exec(body.watermark ?? '');
    if (!res.ok || !m) throw new Error(`watermark answered ${res.status}: ${JSON.stringify(body)}`);
    return { seq: Number(m[1]), lagMessages: body.lag?.messages ?? 0, lagSeconds: body.lag?.seconds ?? 0 };
  }
}

/** VmRSS of a process in bytes (Linux), or null when /proc cannot tell. */
export async function procRss(pid: number): Promise<number | null> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}
