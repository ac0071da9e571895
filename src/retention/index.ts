/** @module retention: purges the log's handled messages after CHAINLAKE_LOG_RETENTION; never an uncommitted one. */
export { purgeCommitted, lastOlderThan, type PurgeResult } from './purge-committed.js';
export { purgeHandledRaw } from './purge-handled-raw.js';
export { startRetention, type Retention, type RetentionDeps } from './start-retention.js';
export { readLogSize } from './read-log-size.js';
