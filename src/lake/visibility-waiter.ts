import type { Db } from '../db/index.js';
import { COMMIT_CHANNEL } from './commit-channel.js';
import { readWatermark } from './read-watermark.js';

export interface VisibilityWatch {
  /** Resolves true once the watermark reaches `streamSeq`, false after `timeoutMs`. */
  waitFor(streamSeq: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Slow safety net for a NOTIFY lost while the LISTEN connection was reconnecting. */
const RECHECK_MS = 1000;

/**
 * Read-after-write: waiters are woken by the commit's NOTIFY (Postgres LISTEN), not by a tight
 * polling loop; one slow re-read per second covers notifications missed during a reconnect.
 */
export async function watchVisibility(db: Db, stream: string): Promise<VisibilityWatch> {
  let watermark = (await readWatermark(db, stream)).seq;
  const waiters = new Set<{ seq: number; wake: () => void }>();
  const advance = (seq: number) => {
    if (seq <= watermark) return;
    watermark = seq;
    for (const w of waiters) if (w.seq <= watermark) w.wake();
  };
  const listener = await db.sql.listen(
    COMMIT_CHANNEL,
    (payload) => {
      const at = payload.lastIndexOf(':');
      if (payload.slice(0, at) === stream) advance(Number(payload.slice(at + 1)));
    },
    () =>
      void readWatermark(db, stream).then(
        (w) => advance(w.seq),
        () => undefined,
      ),
  );
  const recheck = setInterval(() => {
    if (waiters.size > 0)
      void readWatermark(db, stream).then(
        (w) => advance(w.seq),
        () => undefined,
      );
  }, RECHECK_MS);
  recheck.unref();

  return {
    waitFor(streamSeq, timeoutMs) {
      if (streamSeq <= watermark) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter = {
          seq: streamSeq,
          wake: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(false);
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      clearInterval(recheck);
      for (const w of waiters) w.wake();
      await listener.unlisten().catch(() => undefined);
    },
  };
}
