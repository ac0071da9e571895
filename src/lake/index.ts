/** @module lake: the read side of commits: watermarks, visibility, snapshots and their files. */
export { readWatermark } from './read-watermark.js';
export { watchVisibility, type VisibilityWatch } from './visibility-waiter.js';
export {
  listSnapshots,
  getSnapshot,
  latestSnapshot,
  type SnapshotView,
  type SnapshotFile,
} from './snapshots.js';
export { tableWatermark, type TableWatermark } from './table-watermark.js';
export { readLag, type LogLag } from './read-lag.js';
export { snapshotFiles, type SnapshotFiles } from './snapshot-files.js';
export { duckdbExpression, duckdbPath } from './duckdb-expression.js';
export {
  collectGarbage,
  type GarbageDeps,
  type GarbageOptions,
  type GarbageReport,
} from './collect-garbage.js';
export { COMMIT_CHANNEL } from './commit-channel.js';
