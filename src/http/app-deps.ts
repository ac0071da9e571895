import type { Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import type { IngestDeps } from '../ingest/index.js';
import type { KeyRing } from '../keys/index.js';
import type { Metrics } from '../metrics/index.js';
import type { ObjectStore } from '../store/index.js';

/** Everything the HTTP app needs, composed in main.ts (or a test). */
export interface AppDeps {
  auth: boolean;
  maxBodyBytes: number;
  db: Db;
  bus: Bus;
  keyRing: KeyRing;
  store: ObjectStore;
  ingest: IngestDeps;
  metrics?: Metrics;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}
