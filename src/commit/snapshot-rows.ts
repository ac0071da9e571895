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

/** Registers each table's new file and writes that table's next snapshot row. */
export async function registerFiles(
  tx: postgres.TransactionSql,
  files: WrittenFile[],
  watermark: number,
  committedAt: Date,
): Promise<void> {
  for (const f of files) {
    const [prev] = await tx<{ snapshot_id: string; total_files: number; total_rows: string }[]>`
      select snapshot_id, total_files, total_rows from snapshots
      where tenant = ${f.tenant} and table_name = ${f.table}
      order by snapshot_id desc limit 1`;
    const parent = prev ? Number(prev.snapshot_id) : null;
    const id = (parent ?? 0) + 1;
    await tx`
      insert into snapshots (tenant, table_name, snapshot_id, parent_id, watermark_seq, committed_at,
                             added_files, added_rows, total_files, total_rows)
      values (${f.tenant}, ${f.table}, ${id}, ${parent}, ${watermark}, ${committedAt.toISOString()}::timestamptz, 1, ${f.rows},
              ${(prev?.total_files ?? 0) + 1}, ${Number(prev?.total_rows ?? 0) + f.rows})`;
    await tx`
      insert into lake_files (tenant, table_name, key, rows, bytes, min_stream_seq, max_stream_seq, snapshot_id)
      values (${f.tenant}, ${f.table}, ${f.key}, ${f.rows}, ${f.bytes}, ${f.minStreamSeq}, ${f.maxStreamSeq}, ${id})`;
  }
}
