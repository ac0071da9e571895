import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus } from '../../src/bus/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/main.js';

/**
 * A throwaway chainlake in this process (api + committer, auth off): database `chainlake_demo` (created
 * if missing), and per run its own stream prefix, tenant, lake and key directory; stop() removes all but
 * the database rows. A fresh tenant per run matters: lake file keys name tenant and stream sequences but
 * not the stream, so two runs' streams (both starting at sequence 1) must not share a tenant.
 */
export async function startLocalChainlake(): Promise<{ url: string; tenant: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'chainlake-demo-'));
  const run = randomBytes(4).toString('hex');
  const config = loadConfig({
    DATABASE_URL: process.env.DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chainlake_demo',
    NATS_URL: process.env.NATS_URL,
    CHAINLAKE_PREFIX: `demo${run}`,
    CHAINLAKE_AUTH: 'off',
    OBJECT_STORE: `file://${join(dir, 'lake')}`,
    CHAINLAKE_KEYS_DIR: join(dir, 'keys'),
    PORT: '0',
    LOG_LEVEL: 'warn',
    CHAINLAKE_COMMIT_MAX_WAIT_MS: '20',
    // A throwaway log: no 10 GiB byte reservation on the NATS server.
    CHAINLAKE_STREAM_MAX_BYTES: String(64 * 1024 * 1024),
  });
  // The streams and directory are this run's alone; leave nothing behind, even when the start failed.
  const removeRun = async () => {
    try {
      const bus = await connectBus({ url: config.natsUrl, prefix: config.prefix, name: 'chainlake-demo' });
      for (const stream of [bus.names.eventsStream, bus.names.rawStream])
        await bus.jsm.streams.delete(stream).catch(() => undefined);
      await bus.close();
    } catch {
      // NATS unreachable: this run created no stream there.
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(config, ['api', 'committer']);
  } catch (err) {
    await removeRun();
    throw err;
  }
  return {
    url: running.url!,
    tenant: `demo-${run}`,
    async stop() {
      try {
        await running.stop();
      } finally {
        await removeRun();
      }
    },
  };
}
