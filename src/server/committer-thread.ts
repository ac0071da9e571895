/**
 * The committer's own thread: ingest is CPU-bound and the committer is latency-bound, and on one event
 * loop a busy API starves every commit. The thread opens its own connections and reports each commit
 * attempt to the main thread, whose /metrics serves them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/index.js';
import { createLog } from '../log.js';
import { startServer } from './main.js';
import { currentThreadId } from '../metrics/index.js';

const port = parentPort!;
port.postMessage({ type: 'tid', tid: currentThreadId() });
const config = (workerData as { config: Config }).config;
const running = await startServer(config, ['committer'], {
  log: createLog(config.logLevel),
  observeCommits: (e) => port.postMessage({ type: 'commit', observation: e }),
  committerThread: false,
  prepared: true,
});
port.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  void running.stop().finally(() => {
    port.postMessage({ type: 'stopped' });
    port.close();
  });
});
port.postMessage({ type: 'ready' });
