import { AppError } from '../errors.js';
import type { Db } from '../db/index.js';
import type { ObjectStore } from '../store/index.js';
import { getSnapshot, latestSnapshot, type SnapshotFile } from './snapshots.js';

export interface SnapshotFiles {
  snapshot_id: number;
  files: SnapshotFile[];
}

/**
 * The files of one snapshot (default: the newest): the only safe set to read, since a crashed commit
 * can leave unreferenced files beside them (docs/contract.md §6).
 */
export async function snapshotFiles(
  db: Db,
  store: ObjectStore,
  tenant: string,
  table: string,
  snapshotId?: number,
): Promise<SnapshotFiles> {
  const id = snapshotId ?? (await latestSnapshot(db, tenant, table))?.snapshot_id;
  if (id === undefined) {
    throw new AppError('snapshot_not_found', `Table "${table}" of tenant "${tenant}" has no snapshot yet.`);
  }
  const snapshot = await getSnapshot(db, store, tenant, table, id);
  if (!snapshot)
    throw new AppError('snapshot_not_found', `Snapshot ${id} of table "${table}" does not exist.`);
  return { snapshot_id: snapshot.snapshot_id, files: snapshot.files };
}
