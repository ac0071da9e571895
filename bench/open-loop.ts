import type { BatchSource } from './batch-source.js';
import type { Schedule } from './closed-loop.js';
import { Recorder, sendWithRetry } from './recorder.js';
import type { Sender } from './senders.js';
import type { WatermarkPoller } from './watermark-poller.js';

const LATE_MS = 5;

export interface OpenLoopResult {
  rec: Recorder;
  lateSends: number;
}

/**
 * Fixed offered load: batch slots every `batch / rate` seconds from `t0` to the window's end, whatever
 * the answers do (open loop, so a slow server cannot slow the offered load down). A slot takes the next
 * idle session; with none idle it waits in a queue, and its latency still counts from the slot time.
 */
export async function runOpenLoop(
  sources: BatchSource[],
  sender: Sender,
  at: Schedule & { t0: number; batch: number; rate: number },
  poller?: WatermarkPoller,
): Promise<OpenLoopResult> {
  const rec = new Recorder(at.start, at.end);
  const intervalMs = (at.batch / at.rate) * 1000;
  const idle = [...sources];
  const queued: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let lateSends = 0;

  const launch = (source: BatchSource, slot: number) => {
    const batch = source.take();
    if (performance.now() - slot > LATE_MS && rec.inWindow(slot)) lateSends++;
    const p = sendWithRetry(() => sender.send(batch.body), rec).then(({ answer, at: answered }) => {
      rec.record(answer, slot, answered, batch.body.length, slot);
      if (answer.ok && answer.code === 'accepted' && answer.token && rec.inWindow(slot))
        poller?.track(answer.token, slot);
      if (!answer.ok) {
        rec.failedSessions++;
        return;
      }
      const next = queued.shift();
      if (next !== undefined) launch(source, next);
      else idle.push(source);
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  let slots = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (
        let slot = at.t0 + slots * intervalMs;
        slot <= now && slot < at.end;
        slot = at.t0 + ++slots * intervalMs
      ) {
        const source = idle.shift();
        if (source) launch(source, slot);
        else queued.push(slot);
      }
      if (at.t0 + slots * intervalMs >= at.end) return resolve();
      setTimeout(tick, Math.max(0, at.t0 + slots * intervalMs - performance.now()));
    };
    tick();
  });
  // Slots still queued when the window closed were never sent: they count as late, not as answers.
  lateSends += queued.filter((s) => rec.inWindow(s)).length;
  queued.length = 0;
  while (inFlight.size > 0) await Promise.race(inFlight);
  return { rec, lateSends };
}
