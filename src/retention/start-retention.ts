import type { Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { errorText, type Log } from '../log.js';
import { purgeCommitted, type PurgeResult } from './purge-committed.js';
import { purgeHandledRaw } from './purge-handled-raw.js';

export interface RetentionDeps {
  bus: Bus;
  /** Where the committed watermark is read, for the events stream. */
  db: Db;
  /** Which streams this process purges: `events` with the committer role, `raw` with the gatekeeper. */
  streams: readonly ('events' | 'raw')[];
  retentionMs: number;
  /** Default: a tenth of the retention, between 1 s and 60 s. */
  intervalMs?: number;
  log: Log;
  onPurged?: (stream: 'events' | 'raw', result: PurgeResult) => void;
}

export interface Retention {
  /** Runs one purge of every stream now (also what each tick does). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/** Purges the log periodically (contract §5 `CHAINLAKE_LOG_RETENTION`); a failed tick is retried next tick. */
export function startRetention(deps: RetentionDeps): Retention {
  const intervalMs = deps.intervalMs ?? Math.min(60_000, Math.max(1000, Math.floor(deps.retentionMs / 10)));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const purgeOne = async (stream: 'events' | 'raw') => {
    const result =
      stream === 'events'
        ? await purgeCommitted(deps.bus, deps.db, deps.retentionMs)
        : await purgeHandledRaw(deps.bus, deps.retentionMs);
    if (result.purged > 0) {
      deps.log('debug', 'log purged', { stream, purged: result.purged, upTo: result.upTo });
      deps.onPurged?.(stream, result);
    }
  };
  const tick = async () => {
    for (const stream of deps.streams) {
      await purgeOne(stream).catch((err) =>
        deps.log('warn', 'log purge failed', { stream, err: errorText(err) }),
      );
    }
  };
  const runOnce = () => (running = running.then(tick));
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runOnce().finally(schedule), intervalMs);
    timer.unref();
  };
  void runOnce().finally(schedule);
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
