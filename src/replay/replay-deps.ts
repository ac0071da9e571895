import { readLastBatch, type Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { AppError } from '../errors.js';
import { readWatermark } from '../lake/index.js';
import { hasRecords, type SessionKey } from './read-records.js';

/** What replay and verification read from. */
export interface ReplayDeps {
  db: Db;
  /** The events stream whose committed watermark bounds every answer. */
  stream: string;
  /** Whether the log holds the session (accepted, perhaps not committed yet); absent for db-only readers. */
  inLog?: (k: SessionKey) => Promise<boolean>;
}

/** Replay deps of a process connected to Postgres and NATS. */
export function replayDeps(db: Db, bus: Bus): ReplayDeps {
  return {
    db,
    stream: bus.names.eventsStream,
    inLog: async (k) => (await readLastBatch(bus, bus.names.events(k.tenant, k.table, k.sessionId))) !== null,
  };
}

/** The committed watermark (stream sequence) that bounds one answer. */
export async function watermarkOf(deps: ReplayDeps): Promise<number> {
  return (await readWatermark(deps.db, deps.stream)).seq;
}

/** 404 `session_not_found` unless the session has committed records or is in the log. */
export async function assertSessionExists(deps: ReplayDeps, k: SessionKey): Promise<void> {
  if (await hasRecords(deps.db, k)) return;
  if (deps.inLog && (await deps.inLog(k))) return;
  throw new AppError(
    'session_not_found',
    `Session "${k.sessionId}" has no accepted events in table "${k.table}".`,
  );
}
