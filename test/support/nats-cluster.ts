import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

/** One nats-server of a throwaway cluster. */
export interface ClusterNode {
  name: string;
  /** Client port on 127.0.0.1. */
  port: number;
  url: string;
  /** Whether its process is up. */
  running(): boolean;
  /** SIGKILL, keeping its storage: a node loss. */
  kill(): Promise<void>;
  /** Starts it again with the same config and storage. */
  restart(): Promise<void>;
}

export interface NatsClusterHandle {
  nodes: ClusterNode[];
  /** Every client URL, comma-separated (NATS_URL accepts this form). */
  url: string;
  /** `/jsz` of a live node: the JetStream meta leader and its cluster size. */
  metaLeader(): Promise<{ leader: string; size: number } | null>;
  /** Waits (bounded) until a meta leader is elected and sees every live node. */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  /** Kills every node and removes every storage directory. */
  stop(): Promise<void>;
}

const BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts `size` nats-server processes with JetStream, clustered on loopback: each has its own
 * config file, storage directory, client, route and monitoring port. Never touches the shared server.
 */
export async function startNatsCluster(size = 3, name = 'clt'): Promise<NatsClusterHandle> {
  const root = await mkdtemp(join(tmpdir(), 'chainlake-cluster-'));
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({
      client: await freePort(),
      route: await freePort(),
      http: await freePort(),
    })),
  );
  const children = new Map<string, ChildProcess>();
  const killAll = () => {
    for (const c of children.values()) c.kill('SIGKILL');
  };
  process.once('exit', killAll);

  interface Member {
    node: ClusterNode;
    http: number;
    launch(): Promise<void>;
    terminate(signal: NodeJS.Signals): Promise<void>;
  }
  const members: Member[] = [];
  for (const [i, p] of ports.entries()) {
    const nodeName = `${name}-n${i + 1}`;
    const dir = join(root, nodeName);
    await mkdir(join(dir, 'js'), { recursive: true });
    const routes = ports.filter((_, j) => j !== i).map((o) => `nats-route://127.0.0.1:${o.route}`);
    const config = [
      `server_name: ${nodeName}`,
      `listen: 127.0.0.1:${p.client}`,
      `http: 127.0.0.1:${p.http}`,
      `jetstream { store_dir: "${join(dir, 'js')}", max_memory_store: 64MB, max_file_store: 1GB }`,
      `cluster {`,
      `  name: ${name}`,
      `  listen: 127.0.0.1:${p.route}`,
      `  routes: [ ${routes.join(', ')} ]`,
      `}`,
      '',
    ].join('\n');
    const configFile = join(dir, 'nats.conf');
    await writeFile(configFile, config);
    let stderr = '';

    const launch = async () => {
      stderr = '';
      const child = spawn(BIN, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.set(nodeName, child);
      child
        .stderr!.setEncoding('utf8')
        .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
      const exited = new Promise<never>((_, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) =>
          reject(new Error(`${nodeName} exited early (${code ?? signal}): ${stderr}`)),
        );
      });
      exited.catch(() => undefined);
      await Promise.race([waitForPort(p.client, START_TIMEOUT_MS), exited]);
    };
    const isUp = () => {
      const c = children.get(nodeName);
      return c !== undefined && c.exitCode === null && c.signalCode === null;
    };
    const terminate = async (signal: NodeJS.Signals) => {
      const c = children.get(nodeName);
      if (!c || !isUp()) return;
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill(signal);
      const timer = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
    };
    const node: ClusterNode = {
      name: nodeName,
      port: p.client,
      url: `nats://127.0.0.1:${p.client}`,
      running: isUp,
      kill: () => terminate('SIGKILL'),
      async restart() {
        await terminate('SIGKILL');
        await launch();
      },
    };
    members.push({ node, http: p.http, launch, terminate });
  }
  const nodes = members.map((m) => m.node);

  const handle: NatsClusterHandle = {
    nodes,
    url: nodes.map((n) => n.url).join(','),
    async metaLeader() {
      for (const m of members.filter((x) => x.node.running())) {
        try {
          const res = await fetch(`http://127.0.0.1:${m.http}/jsz`, { signal: AbortSignal.timeout(1_000) });
          const jsz = (await res.json()) as { meta_cluster?: { leader?: string; cluster_size?: number } };
          const leader = jsz.meta_cluster?.leader;
          if (leader) return { leader, size: jsz.meta_cluster?.cluster_size ?? 0 };
        } catch {
          // that node is not answering yet: ask the next
        }
      }
      return null;
    },
    async waitForMetaLeader(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const meta = await handle.metaLeader();
        if (meta && meta.size >= size) return meta.leader;
        if (Date.now() > deadline)
          throw new Error(`no JetStream meta leader within ${timeoutMs} ms (last: ${JSON.stringify(meta)})`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      process.removeListener('exit', killAll);
      await Promise.all(members.map((m) => m.terminate('SIGKILL')));
      await rm(root, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(members.map((m) => m.launch()));
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}
