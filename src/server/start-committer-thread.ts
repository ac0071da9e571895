import { Worker } from 'node:worker_threads';
import type { CommitObservation } from '../metrics/index.js';
import type { Config } from '../config/index.js';
import { errorText, type Log } from '../log.js';
import { noteThread } from '../metrics/index.js';

const STOP_TIMEOUT_MS = 30_000;
const RESTART_DELAY_MS = 1000;

/**
 * The compiled worker beside this file (dist/); from source (tests, tsx) the worker registers tsx
 * itself, since Node 20 does not pass a thread's module loader on to the workers it starts.
 */
function committerWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./committer-thread.js', import.meta.url), { workerData });
  }
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./committer-thread.ts', import.meta.url).href);
  const source = `import(${tsx}).then((m) => { m.register(); return import(${entry}); })`;
  return new Worker(source, { eval: true, workerData });
}

export interface CommitterThread {
  stop(): Promise<void>;
}

/** Runs the committer in a worker thread, restarting it if it dies; resolves once it is committing. */
export async function startCommitterThread(
  config: Config,
  log: Log,
  observe: (e: CommitObservation) => void,
): Promise<CommitterThread> {
  let stopping = false;
  let worker: Worker;
  const spawn = () =>
    new Promise<Worker>((resolve, reject) => {
      const w = committerWorker({ config });
      w.on('message', (m: { type: string; observation?: CommitObservation }) => {
        if (m.type === 'ready') resolve(w);
        else if (m.type === 'commit' && m.observation) observe(m.observation);
        else if (m.type === 'tid') noteThread('committer', (m as { tid?: number | null }).tid);
      });
      w.once('error', (err) => {
        log('error', 'committer thread failed', { err: errorText(err) });
        reject(err);
      });
      w.once('exit', (code) => {
        if (stopping) return;
        log('error', 'committer thread exited; restarting', { code });
        setTimeout(
          () =>
            void spawn().then(
              (next) => (worker = next),
              () => undefined,
            ),
          RESTART_DELAY_MS,
        );
      });
    });
  worker = await spawn();
  return {
    async stop() {
      stopping = true;
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (m: { type: string }) => m.type === 'stopped' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await stopped;
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
