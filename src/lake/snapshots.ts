import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { lakeFiles, snapshots } from '../db/schema.js';
import { toVisibilityToken } from '../bus/index.js';
import type { ObjectStore } from '../store/index.js';

export interface SnapshotView {
  snapshot_id: number;
  parent_id: number | null;
  watermark: string;
  committed_at: string;
  added_files: number;
  added_rows: number;
  total_files: number;
  total_rows: number;
}

export interface SnapshotFile {
  key: string;
  url: string;
  rows: number;
  bytes: number;
}

const view = (r: typeof snapshots.$inferSelect): SnapshotView => ({
  snapshot_id: r.snapshotId,
  parent_id: r.parentId,
  watermark: toVisibilityToken(r.watermarkSeq),
  committed_at: r.committedAt.toISOString(),
  added_files: r.addedFiles,
  added_rows: r.addedRows,
  total_files: r.totalFiles,
  total_rows: r.totalRows,
});

/** A table's snapshots, newest first. */
export async function listSnapshots(
  db: Db,
  tenant: string,
  table: string,
  limit: number,
): Promise<SnapshotView[]> {
  const rows = await db.orm
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.tenant, tenant), eq(snapshots.tableName, table)))
    .orderBy(desc(snapshots.snapshotId))
    .limit(limit);
  return rows.map(view);
}

/** One snapshot with ALL files live in the table at that snapshot (cumulative), or null. */
export async function getSnapshot(
  db: Db,
  store: ObjectStore,
  tenant: string,
  table: string,
  snapshotId: number,
): Promise<(SnapshotView & { files: SnapshotFile[] }) | null> {
  const [row] = await db.orm
    .select()
    .from(snapshots)
    .where(
      and(eq(snapshots.tenant, tenant), eq(snapshots.tableName, table), eq(snapshots.snapshotId, snapshotId)),
    );
  if (!row) return null;
  const files = await db.orm
    .select({ key: lakeFiles.key, rows: lakeFiles.rows, bytes: lakeFiles.bytes })
    .from(lakeFiles)
    .where(
      and(
        eq(lakeFiles.tenant, tenant),
        eq(lakeFiles.tableName, table),
        lte(lakeFiles.snapshotId, snapshotId),
      ),
    )
    .orderBy(lakeFiles.snapshotId, lakeFiles.key);
  return { ...view(row), files: files.map((f) => ({ ...f, url: store.url(f.key) })) };
}

/** The newest snapshot of a table, or null before its first commit. */
export async function latestSnapshot(db: Db, tenant: string, table: string): Promise<SnapshotView | null> {
  const [first] = await listSnapshots(db, tenant, table, 1);
  return first ?? null;
}
