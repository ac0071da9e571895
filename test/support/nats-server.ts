import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

/** A throwaway nats-server child process with JetStream, for fault tests; never the shared server. */
export interface NatsServerHandle {
  url: string;
  port: number;
  /** Stops it gracefully (SIGKILL after a timeout) and removes its storage directory. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), keeping its storage: an outage. */
  kill(): Promise<void>;
  /** Starts it again on the same port and storage directory. */
  restart(): Promise<void>;
}

const BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Starts `nats-server -js` on a free 127.0.0.1 port with its own storage directory. */
export async function startNatsServer(): Promise<NatsServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'chainlake-nats-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let stderr = '';

  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const isRunning = (c: ChildProcess | null): c is ChildProcess =>
    c !== null && c.exitCode === null && c.signalCode === null;

  async function launch(): Promise<void> {
    stderr = '';
    const c = spawn(BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = c;
    c.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const exited = new Promise<never>((_, reject) => {
      c.once('error', reject);
      c.once('exit', (code, signal) =>
        reject(new Error(`nats-server exited early (${code ?? signal}): ${stderr}`)),
      );
    });
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port, START_TIMEOUT_MS), exited]);
  }

  async function terminate(signal: NodeJS.Signals): Promise<void> {
    const c = child;
    if (!isRunning(c)) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  const handle: NatsServerHandle = {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill: () => terminate('SIGKILL'),
    async restart() {
      await terminate('SIGKILL');
      await launch();
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      await terminate('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await launch();
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}
