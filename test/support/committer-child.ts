/**
 * A chainlake process for crash tests: the parent learns over IPC when the commit protocol reaches a
 * step (CRASH_POINT), and the child then waits (PAUSE_MS) so the parent can kill -9 or SIGSTOP it there.
 */
import { loadConfig } from '../../src/config/index.js';
import { startServer, type ServeRole } from '../../src/server/main.js';

const point = process.env.CRASH_POINT as 'afterParquet' | 'afterCommit' | undefined;
const pauseMs = Number(process.env.PAUSE_MS ?? '0');
const roles = (process.env.ROLES ?? 'committer').split(',') as ServeRole[];
const send = (m: unknown) => process.send?.(m);

const at = (name: 'afterParquet' | 'afterCommit') => async (seqs: number[]) => {
  if (point !== name) return;
  send({ type: 'hook', point: name, seqs });
  await new Promise((r) => setTimeout(r, pauseMs));
};

const running = await startServer(loadConfig(process.env), roles, {
  commitHooks: { afterParquet: at('afterParquet'), afterCommit: at('afterCommit') },
  observeCommits: (e) =>
    send(
      e.kind === 'committed'
        ? { type: 'commit', committed: e.committed, alreadyDone: e.alreadyDone, fenced: e.fenced }
        : { type: e.kind },
    ),
});
send({ type: 'ready', url: running.url });
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
