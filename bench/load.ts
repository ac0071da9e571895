/**
 * The load generator, forked by bench/run.ts so that its CPU is not the server's: it pre-generates the
 * chains of a phase, waits for "start", drives chainlake, and reports over IPC (bench/load-protocol.ts).
 */
import { prepareSources, type BatchSource } from './batch-source.js';
import { runClosedLoop } from './closed-loop.js';
import type { FromLoad, PhaseResult, PhaseSpec, Target, ToLoad } from './load-protocol.js';
import { runOpenLoop } from './open-loop.js';
import type { Transport } from './options.js';
import { createSender } from './senders.js';
import { summarize } from './stats.js';
import { WatermarkPoller } from './watermark-poller.js';
import { CommitClock } from './commit-clock.js';

const VISIBLE_DRAIN_MS = 30_000;
/** How long after the last answer the commit clock waits for the window's highest token. */
const COMMIT_CLOCK_MS = 180_000;

function send(msg: FromLoad): void {
  if (process.connected) process.send?.(msg);
}

let prepared: { spec: PhaseSpec; sources: BatchSource[]; pregen: PhaseResult['pregen'] } | null = null;

async function handle(msg: ToLoad): Promise<void> {
  if (msg.type === 'exit') process.exit(0);
  if (msg.type === 'probe')
    return send({ type: 'probe-result', ...(await probe(msg.transport, msg.target)) });
  if (msg.type === 'phase') {
    const s = msg.spec;
    const p = prepareSources(
      s.target.table,
      s.sessionTag,
      s.sessions,
      s.batch,
      s.payloadBytes,
      s.pregenEvents,
    );
    prepared = {
      spec: s,
      sources: p.sources,
      pregen: { events: p.events, bytes: p.bytes, ms: Math.round(p.ms) },
    };
    return send({ type: 'prepared', id: s.id, events: p.events, bytes: p.bytes, ms: Math.round(p.ms) });
  }
  if (msg.type === 'start') {
    if (!prepared || prepared.spec.id !== msg.id) throw new Error(`phase ${msg.id} was not prepared`);
    const { spec, sources, pregen } = prepared;
    prepared = null;
    return send({ type: 'result', result: await runPhase(spec, sources, pregen) });
  }
}

async function runPhase(spec: PhaseSpec, sources: BatchSource[], pregen: PhaseResult['pregen']) {
  const sender = await createSender(spec.transport, spec.target, spec.sessions);
  const poller = spec.trackVisibility ? new WatermarkPoller(spec.target) : undefined;
  const t0 = performance.now();
  const start = t0 + spec.warmupS * 1000;
  const end = start + spec.durationS * 1000;
  const mark = (edge: 'start' | 'end', at: number) => {
    let timer: NodeJS.Timeout | undefined;
    const sent = new Promise<void>((resolve) => {
      timer = setTimeout(() => resolve(send({ type: 'window', id: spec.id, edge })), at - t0);
    });
    return { sent, cancel: () => clearTimeout(timer) };
  };
  const marks = [mark('start', start), mark('end', end)];
  try {
    poller?.start();
    const running =
      spec.mode === 'closed'
        ? runClosedLoop(sources, sender, { start, end }).then((rec) => ({ rec, lateSends: undefined }))
        : runOpenLoop(sources, sender, { t0, start, end, batch: spec.batch, rate: spec.rate ?? 1 }, poller);
    const clock = marks[1]!.sent.then(() =>
      new CommitClock(spec.target).run(
        running.then((r) => r.rec.maxSeq),
        COMMIT_CLOCK_MS,
      ),
    );
    const { rec, lateSends } = await running;
    // An open loop can finish its last slot just before the window ends: the end mark goes first.
    await marks[1]!.sent;
    const [visibleAt] = await Promise.all([clock, poller?.drain(VISIBLE_DRAIN_MS)]);
    const result: PhaseResult = {
      id: spec.id,
      windowS: (end - start) / 1000,
      requests: rec.requests,
      acceptedEvents: rec.acceptedEvents,
      acceptedBytes: rec.acceptedBytes,
      duplicates: rec.duplicates,
      errors: rec.errors,
      latencyMs: summarize(rec.latencies),
      maxSeq: rec.maxSeq,
      committedMs: visibleAt === null ? null : Math.round(visibleAt - start),
      phaseEvents: rec.phaseEvents,
      phaseMaxSeq: rec.phaseMaxSeq,
      ...(poller ? { visibleMs: summarize(poller.visibleMs), notVisible: poller.unresolved } : {}),
      ...(lateSends !== undefined ? { lateSends } : {}),
      pregen,
      generatedLive: sources.reduce((n, s) => n + s.generatedLive, 0),
      failedSessions: rec.failedSessions,
      samples: rec.samples,
    };
    return result;
  } finally {
    for (const m of marks) m.cancel();
    poller?.stop();
    await sender.close();
  }
}

/** Sends `{}` once: any answer (a 400) means a responder listens; nothing is written. */
async function probe(transport: Transport, target: Target): Promise<{ ok: boolean; detail: string }> {
  const sender = await createSender(transport, target, 1);
  try {
    const a = await sender.send(Buffer.from('{}'));
    if (a.code === 'no_responders') return { ok: false, detail: 'no responder on the ingest subject' };
    if (a.code === 'timeout' || a.code === 'network') return { ok: false, detail: a.detail ?? a.code };
    return { ok: true, detail: `answered ${a.code}` };
  } finally {
    await sender.close();
  }
}

// Messages are handled one at a time, in order.
let queue = Promise.resolve();
process.on('message', (msg: ToLoad) => {
  queue = queue
    .then(() => handle(msg))
    .catch((err: unknown) => send({ type: 'failed', error: (err as Error).stack ?? String(err) }));
});
// The bench process went away (crash, kill): nothing left to report to.
process.on('disconnect', () => process.exit(0));
