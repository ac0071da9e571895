import { createHash } from 'node:crypto';

/**
 * The object key of a commit's Parquet file for one table. Derived from the stream and the exact set
 * of stream sequences it holds, so a retried commit of the same messages rewrites the same key, and
 * two deployments (prefixes) sharing a database and a bucket never collide.
 */
export function lakeFileKey(
  stream: string,
  tenant: string,
  table: string,
  committedAt: Date,
  streamSeqs: number[],
): string {
  const sorted = [...streamSeqs].sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const digest = createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 12);
  const date = committedAt.toISOString().slice(0, 10);
  const pad = (n: number) => String(n).padStart(12, '0');
  return `${tenant}/${table}/date=${date}/${stream.toLowerCase()}-${pad(first)}-${pad(last)}-${digest}.parquet`;
}
