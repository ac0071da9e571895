import type { Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import type { IngestDeps } from '../ingest/index.js';
import type { KeyRing } from '../keys/index.js';
import type { Metrics } from '../metrics/index.js';
import type { ObjectStore } from '../store/index.js';
import type { BodyBudget } from './body-budget.js';
import type { ReadinessDeps } from './routes/health.js';

/** Everything the HTTP app needs, composed in main.ts (or a test). */
export interface AppDeps {
  auth: boolean;
  maxBodyBytes: number;
  db: Db;
  /** The pool NDJSON replays stream from (long statements); `db` when absent. */
  streamDb?: Db;
  bus: Bus;
  keyRing: KeyRing;
  store: ObjectStore;
  ingest: IngestDeps;
  metrics?: Metrics;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  /** Request bodies: read within this (408 after), and at most `budget` bytes in memory at once. */
  bodyTimeoutMs?: number;
  bodyBudget?: BodyBudget;
  /** Origins allowed by CORS; none: no CORS headers. */
  corsOrigins?: string[];
  /** What /readyz reports beyond the connections: this process's roles and its committer's health. */
  readiness?: ReadinessDeps;
}
