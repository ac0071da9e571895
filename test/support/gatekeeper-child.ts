/**
 * A chainlake process running the gatekeeper for crash tests: after a batch is in the event log and
 * before its outcome and raw ack, it tells the parent over IPC (CRASH_POINT=afterIngest) and waits
 * PAUSE_MS so the parent can kill -9 it right there.
 */
import { loadConfig } from '../../src/config/index.js';
import { startServer, type ServeRole } from '../../src/server/main.js';

const point = process.env.CRASH_POINT as 'afterIngest' | undefined;
const pauseMs = Number(process.env.PAUSE_MS ?? '0');
const roles = (process.env.ROLES ?? 'gatekeeper').split(',') as ServeRole[];
const send = (m: unknown) => process.send?.(m);

const running = await startServer(loadConfig(process.env), roles, {
  gatekeeperHooks: {
    async afterIngest(rawSeq, answer) {
      if (point !== 'afterIngest') return;
      send({ type: 'hook', point, rawSeq, status: answer.status, token: answer.visibility_token });
      await new Promise((r) => setTimeout(r, pauseMs));
    },
  },
});
send({ type: 'ready' });
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
