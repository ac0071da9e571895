import { fileURLToPath } from 'node:url';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Where DuckDB finds a file: a local path for `file://` URLs, the URL itself for `s3://` (httpfs). */
export function duckdbPath(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

/**
 * A DuckDB table expression reading exactly these files, e.g. `FROM read_parquet([...])`.
 * `union_by_name` lines up columns by name, so files written before a column was added still read.
 */
export function duckdbExpression(urls: readonly string[]): string {
  if (urls.length === 0) throw new Error('a DuckDB read_parquet expression needs at least one file');
  return `read_parquet([${urls.map((u) => sqlString(duckdbPath(u))).join(', ')}], union_by_name = true)`;
}
