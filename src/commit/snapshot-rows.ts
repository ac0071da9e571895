import type postgres from 'postgres';

/** A Parquet file already written to the object store, waiting to be registered. */
export interface WrittenFile {
  tenant: string;
  table: string;
  key: string;
  rows: number;
  bytes: number;
  minStreamSeq: number;
  maxStreamSeq: number;
}

/**
 * One statement: each table's new file and that table's next snapshot row, at the watermark this
 * transaction has just advanced to (a commit writes at most one file per table).
 */
export function registerFiles(
  tx: postgres.TransactionSql,
  stream: string,
  files: WrittenFile[],
  committedAt: Date,
) {
  if (files.length === 0) return Promise.resolve([]);
  return tx`
    with f as (
      select * from unnest(${files.map((f) => f.tenant)}::text[], ${files.map((f) => f.table)}::text[],
        ${files.map((f) => f.key)}::text[], ${files.map((f) => f.rows)}::int[], ${files.map((f) => f.bytes)}::bigint[],
        ${files.map((f) => f.minStreamSeq)}::bigint[], ${files.map((f) => f.maxStreamSeq)}::bigint[])
        as f(tenant, tbl, key, nrows, nbytes, mn, mx)
    ), p as (
      select f.*, prev.snapshot_id as parent, coalesce(prev.snapshot_id, 0) + 1 as id,
             coalesce(prev.total_files, 0) as tf, coalesce(prev.total_rows, 0) as tr
      from f left join lateral (
        select snapshot_id, total_files, total_rows from snapshots s
        where s.tenant = f.tenant and s.table_name = f.tbl order by snapshot_id desc limit 1) prev on true
    ), snap as (
      insert into snapshots (tenant, table_name, snapshot_id, parent_id, watermark_seq, committed_at,
                             added_files, added_rows, total_files, total_rows)
      select tenant, tbl, id, parent, (select watermark_seq from stream_progress where stream = ${stream}),
             ${committedAt.toISOString()}::timestamptz, 1, nrows, tf + 1, tr + nrows from p)
    insert into lake_files (tenant, table_name, key, rows, bytes, min_stream_seq, max_stream_seq, snapshot_id)
    select tenant, tbl, key, nrows, nbytes, mn, mx, id from p`;
}
