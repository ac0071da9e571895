import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, ensureStreams, type Bus, type RequestService } from '../../src/bus/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import type { IngestDeps } from '../../src/ingest/index.js';
import { loadOrCreateKeyRing } from '../../src/keys/index.js';
import { createLog } from '../../src/log.js';
import { startGatekeeper, startIngestService, type Gatekeeper } from '../../src/nats/index.js';
import { createTable } from '../../src/tenancy/index.js';
import { eventually } from '../support/lake-check.js';
import { freePort, waitForPort } from '../support/ports.js';
import { createTestDatabase } from '../support/test-db.js';

// The tenant-isolation configuration of docs/nats.md, on a throwaway server (so the prefix is the default).
const PREFIX = 'chainlake';
const TABLE = 'agent_events';
const PASSWORDS = { chainlake: 'svc-secret', acme: 'acme-secret', beta: 'beta-secret' };
const BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** The server configuration documented in docs/nats.md ("Tenant isolation"). */
function serverConfig(port: number, storeDir: string): string {
  const tenant = (t: 'acme' | 'beta') => `
      { user: ${t}, password: "${PASSWORDS[t]}",
        permissions: {
          publish: { allow: ["${PREFIX}.ingest.${t}.>", "${PREFIX}.raw.${t}.>"] }
          subscribe: { allow: ["${PREFIX}.outcome.${t}.>", "_INBOX_${t}.>"] }
        } }`;
  return `
listen: 127.0.0.1:${port}
jetstream { store_dir: "${storeDir}" }
accounts {
  CHAINLAKE {
    jetstream: enabled
    users: [
      { user: chainlake, password: "${PASSWORDS.chainlake}" }${tenant('acme')}${tenant('beta')}
    ]
  }
}
`;
}

let dir: string;
let server: ChildProcess | undefined;
let port: number;
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let bus: Bus | undefined;
let service: RequestService | undefined;
let gatekeeper: Gatekeeper | undefined;
const tenants: Record<string, NatsConnection> = {};

/** A tenant's producer connection: its own user and its own inbox prefix (replies and publish acks). */
const connectTenant = (t: 'acme' | 'beta') =>
  connect({
    servers: `127.0.0.1:${port}`,
    user: t,
    pass: PASSWORDS[t],
    inboxPrefix: `_INBOX_${t}`,
    timeout: 5_000,
  });

const body = (session: string, count = 3) =>
  JSON.stringify({ session_id: session, events: makeTestChain(TABLE, session, count) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainlake-natsiso-'));
  port = await freePort();
  const conf = join(dir, 'nats.conf');
  await writeFile(conf, serverConfig(port, join(dir, 'js')));
  server = spawn(BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  await waitForPort(port, 10_000, `the throwaway nats-server (${stderr})`);

  // chainlake's own service user, logging in with the credentials in its NATS_URL.
  const chainlakeBus: Bus = await connectBus({
    url: `nats://chainlake:${encodeURIComponent(PASSWORDS.chainlake)}@127.0.0.1:${port}`,
    prefix: PREFIX,
  });
  bus = chainlakeBus;
  await ensureStreams(chainlakeBus, {
    replicas: 1,
    maxBytes: 64 * 1024 * 1024,
    dedupWindowMs: 120_000,
  });
  database = await createTestDatabase('natsiso');
  for (const t of ['acme', 'beta']) await createTable(database.db, t, { name: TABLE, columns: [] });
  const ingest: IngestDeps = {
    bus: chainlakeBus,
    db: database.db,
    keyRing: await loadOrCreateKeyRing(join(dir, 'keys')),
    limits: { maxEvents: 1000, maxPayloadBytes: 256 * 1024, maxDepth: 64 },
  };
  const log = createLog('error');
  service = await startIngestService({ bus: chainlakeBus, ingest, maxBodyBytes: 8 * 1024 * 1024, log });
  gatekeeper = await startGatekeeper({
    bus: chainlakeBus,
    ingest,
    log,
    lease: {
      batchSize: 16,
      maxBytes: 4 * 1024 * 1024,
      maxWaitMs: 20,
      ackWaitMs: 3_000,
      maxDeliver: 5,
      workingIntervalMs: 1_000,
      backoffMs: [250],
      concurrency: 4,
    },
  });
  tenants.acme = await connectTenant('acme');
  tenants.beta = await connectTenant('beta');
});

afterAll(async () => {
  for (const nc of Object.values(tenants)) await nc.close().catch(() => undefined);
  await gatekeeper?.stop().catch(() => undefined);
  await service?.stop().catch(() => undefined);
  await bus?.close().catch(() => undefined);
  await database?.drop();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    process.kill(server.pid!, 'SIGKILL');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Messages the raw stream holds on a subject filter. */
async function rawCount(filter: string): Promise<number> {
  const info = await bus!.jsm.streams.info(bus!.names.rawStream, { subjects_filter: filter });
  return Object.values(info.state.subjects ?? {}).reduce((n, c) => n + c, 0);
}

describe('tenant isolation with NATS permissions', () => {
  it('lets a tenant request ingest, publish raw and read outcomes on its own subjects', async () => {
    const acme = tenants.acme!;
    const reply = await acme.request(`${PREFIX}.ingest.acme.${TABLE}`, body('iso-req'), { timeout: 10_000 });
    expect(reply.headers?.get('Nats-Service-Error-Code') || undefined).toBeUndefined();
    expect(reply.json()).toMatchObject({ status: 'accepted', accepted_count: 3, seal: { tenant: 'acme' } });

    const seen: unknown[] = [];
    const sub = acme.subscribe(`${PREFIX}.outcome.acme.>`, { callback: (_e, m) => void seen.push(m.json()) });
    await acme.flush();
    const ack = await jetstream(acme).publish(`${PREFIX}.raw.acme.${TABLE}`, body('iso-raw'), {
      msgID: 'iso-1',
    });
    expect(ack.duplicate).toBe(false);
    expect(await rawCount(`${PREFIX}.raw.acme.>`)).toBe(1);
    await eventually(async () => seen.length > 0, 20_000, 'acme outcome');
    expect(seen[0]).toMatchObject({ msg_id: 'iso-1', status: 'accepted', seal: { tenant: 'acme' } });
    sub.unsubscribe();
  });

  it("refuses a tenant's publish to another tenant's raw and ingest subjects", async () => {
    const acme = tenants.acme!;
    const before = await rawCount(`${PREFIX}.raw.beta.>`);
    await expect(
      jetstream(acme, { timeout: 5_000 }).publish(`${PREFIX}.raw.beta.${TABLE}`, body('iso-steal'), {
        msgID: 'x',
      }),
    ).rejects.toThrow(/Permissions Violation for Publish to "chainlake\.raw\.beta/);
    await expect(
      acme.request(`${PREFIX}.ingest.beta.${TABLE}`, body('iso-steal'), { timeout: 5_000 }),
    ).rejects.toThrow(/Permissions Violation for Publish to "chainlake\.ingest\.beta/);
    // A plain publish fails silently for the sender; the server drops it.
    acme.publish(`${PREFIX}.raw.beta.${TABLE}`, body('iso-steal'));
    await acme.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(await rawCount(`${PREFIX}.raw.beta.>`)).toBe(before);
    const [rejected] = await database!.db.sql<
      { n: string }[]
    >`select count(*)::text as n from rejections where tenant = 'beta'`;
    expect(rejected!.n).toBe('0');
  });

  it("refuses a tenant's subscription to another tenant's outcomes, inbox and the event log", async () => {
    const acme = tenants.acme!;
    for (const subject of [
      `${PREFIX}.outcome.beta.>`,
      `${PREFIX}.outcome.>`,
      '_INBOX_beta.>',
      `${PREFIX}.events.>`,
    ]) {
      const sub = acme.subscribe(subject);
      const closed = await Promise.race([
        sub.closed,
        new Promise((r) => setTimeout(() => r('still open'), 5_000)),
      ]);
      expect(String(closed), subject).toMatch(/Permissions Violation for Subscription/);
    }
    await expect(jetstreamManager(acme, { timeout: 3_000 })).rejects.toThrow(
      /Permissions Violation|timeout/i,
    );

    // Beta still gets its own outcome, through its own permissions.
    const beta = tenants.beta!;
    const seen: unknown[] = [];
    const sub = beta.subscribe(`${PREFIX}.outcome.beta.>`, { callback: (_e, m) => void seen.push(m.json()) });
    await beta.flush();
    await jetstream(beta).publish(`${PREFIX}.raw.beta.${TABLE}`, body('iso-beta'), { msgID: 'beta-1' });
    await eventually(async () => seen.length > 0, 20_000, 'beta outcome');
    expect(seen[0]).toMatchObject({ msg_id: 'beta-1', status: 'accepted', seal: { tenant: 'beta' } });
    sub.unsubscribe();
  });
});
