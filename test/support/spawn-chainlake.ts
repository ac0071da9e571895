import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config/index.js';

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

export interface ChainlakeChild {
  proc: ChildProcess;
  messages: ChildMessage[];
  /** Resolves with the first message (seen before or after the call) that matches. */
  waitFor(match: (m: ChildMessage) => boolean, timeoutMs?: number, what?: string): Promise<ChildMessage>;
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

/** The environment that reproduces a test stack's config in another process. */
export function envOf(config: Config): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl,
    NATS_URL: config.natsUrl,
    CHAINLAKE_PREFIX: config.prefix,
    CHAINLAKE_AUTH: config.auth ? 'on' : 'off',
    OBJECT_STORE: config.objectStore,
    CHAINLAKE_KEYS_DIR: config.keysDir,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    CHAINLAKE_ACK_WAIT_MS: String(config.committer.ackWaitMs),
    CHAINLAKE_WORKING_INTERVAL_MS: String(config.committer.workingIntervalMs),
    CHAINLAKE_COMMIT_MAX_WAIT_MS: String(config.committer.maxWaitMs),
    ...(config.stream.maxBytes === undefined
      ? {}
      : { CHAINLAKE_STREAM_MAX_BYTES: String(config.stream.maxBytes) }),
    CHAINLAKE_DB_TIMEOUT_MS: String(config.dbTimeouts.statementMs),
    CHAINLAKE_DB_ACQUIRE_TIMEOUT_MS: String(config.dbTimeouts.acquireMs),
  };
}

/** Starts test/support/committer-child.ts in its own Node process and waits until it is serving. */
export async function spawnChainlake(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ChainlakeChild> {
  const script = fileURLToPath(new URL('./committer-child.ts', import.meta.url));
  const proc = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  const listeners = new Set<() => void>();
  proc.on('message', (m) => {
    messages.push(m as ChildMessage);
    for (const l of listeners) l();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: ChainlakeChild = {
    proc,
    messages,
    waitFor(match, ms = 20_000, what = 'a message') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`child sent no ${what} within ${ms} ms (got ${JSON.stringify(messages)})`));
        }, ms);
        const onExit = () => {
          if (check()) return;
          cleanup();
          reject(new Error(`child exited before sending ${what}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
        };
        if (check()) return;
        listeners.add(check);
        proc.once('exit', onExit);
      });
    },
    signal: (sig) => proc.kill(sig),
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  await child.waitFor((m) => m.type === 'ready', timeoutMs, 'ready');
  return child;
}
