import { parquetReadObjects } from 'hyparquet';
import type { TestStack } from './test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Every record of a table as the latest snapshot's Parquet files hold them. */
export async function readLatestSnapshotRows(
  stack: TestStack,
  table: string,
  tenant = 'default',
): Promise<Record<string, unknown>[]> {
  const list = (await (
    await stack.request(`/v1/tables/${table}/snapshots?limit=1`, { tenant })
  ).json()) as Json;
  const latest = list.snapshots[0];
  if (!latest) return [];
  const snapshot = (await (
    await stack.request(`/v1/tables/${table}/snapshots/${latest.snapshot_id}`, { tenant })
  ).json()) as Json;
  const rows: Record<string, unknown>[] = [];
  for (const file of snapshot.files as { key: string }[]) {
    const bytes = await stack.running.services.store.get(file.key);
    if (!bytes) throw new Error(`snapshot lists ${file.key}, which is missing from the object store`);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    rows.push(...((await parquetReadObjects({ file: buffer })) as Record<string, unknown>[]));
  }
  return rows;
}

/** Asserts every committed record is stored exactly once in Postgres and across the latest snapshot's files. */
export async function lakeCounts(stack: TestStack, table: string, tenant = 'default') {
  const db = stack.running.services.db;
  const [pg] = await db.sql<{ n: string; distinct_n: string }[]>`
    select count(*)::text as n,
           count(distinct (session_id, seq, kind))::text as distinct_n
    from records where tenant = ${tenant} and table_name = ${table}`;
  const rows = await readLatestSnapshotRows(stack, table, tenant);
  const keys = new Set(rows.map((r) => `${r.session_id}/${r.seq}/${r.kind}`));
  return {
    postgres: Number(pg!.n),
    postgresDistinct: Number(pg!.distinct_n),
    parquet: rows.length,
    parquetDistinct: keys.size,
  };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | false | null | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
