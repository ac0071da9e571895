import type { BatchSource } from './batch-source.js';
import { Recorder, sendWithRetry } from './recorder.js';
import type { Sender } from './senders.js';

export interface Schedule {
  /** performance.now() of the window's start and end. */
  start: number;
  end: number;
}

/**
 * Sustained load: every session sends its next batch as soon as the previous one is answered (one in
 * flight per session, all sessions at once), until the window ends.
 */
export async function runClosedLoop(sources: BatchSource[], sender: Sender, at: Schedule): Promise<Recorder> {
  const rec = new Recorder(at.start, at.end);
  await Promise.all(
    sources.map(async (source) => {
      while (performance.now() < at.end) {
        const batch = source.take();
        const sent = performance.now();
        const { answer, at: answered } = await sendWithRetry(() => sender.send(batch.body), rec);
        rec.record(answer, sent, answered, batch.body.length);
        if (!answer.ok) {
          // The chain of this session cannot continue past a batch the server refused.
          rec.failedSessions++;
          return;
        }
      }
    }),
  );
  return rec;
}
