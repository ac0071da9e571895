import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromLoad, ToLoad } from './load-protocol.js';

/** The bench process's handle on the forked load generator (bench/load.ts). */
export interface LoadClient {
  send(msg: ToLoad): void;
  /** The next message matching `match`; rejects on timeout, on a `failed` report, or if the process exits. */
  next<T extends FromLoad['type']>(
    type: T,
    timeoutMs: number,
    onOther?: (m: FromLoad) => void,
  ): Promise<Extract<FromLoad, { type: T }>>;
  stop(): Promise<void>;
}

export function startLoad(): LoadClient {
  const script = fileURLToPath(new URL('./load.ts', import.meta.url));
  const proc: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    // Its stdout goes to our stderr: our stdout is for the report (and --json-only).
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let listener: ((m: FromLoad) => void) | null = null;
  const backlog: FromLoad[] = [];
  proc.on('message', (m: FromLoad) => (listener ? listener(m) : backlog.push(m)));

  return {
    send(msg) {
      if (!proc.connected) throw new Error('the load process is gone');
      proc.send(msg);
    },
    next(type, timeoutMs, onOther) {
      return new Promise((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listener = null;
          proc.off('exit', onExit);
          fn();
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`the load process sent no ${type} within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const onExit = (code: number | null, sig: string | null) =>
          done(() => reject(new Error(`the load process exited (${sig ?? code}) before sending ${type}`)));
        proc.once('exit', onExit);
        const take = (m: FromLoad) => {
          if (m.type === 'failed') return done(() => reject(new Error(`load process: ${m.error}`)));
          if (m.type === type) return done(() => resolve(m as Extract<FromLoad, { type: typeof type }>));
          onOther?.(m);
        };
        listener = take;
        while (backlog.length > 0 && listener === take) take(backlog.shift()!);
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      if (proc.connected) proc.send({ type: 'exit' } satisfies ToLoad);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
