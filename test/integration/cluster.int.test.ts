import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { eventually, lakeCounts } from '../support/lake-check.js';
import { startNatsCluster, type NatsClusterHandle } from '../support/nats-cluster.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// A real three-node JetStream cluster on loopback and an R3 event log. Under load, kill -9 the stream
// leader, later the node chainlake is connected to: every batch answered 202/200 is committed once.
const TABLE = 'cluster_events';
const SESSIONS = 4;
const PER_BATCH = 5;
/** Events per session at the end of each phase (one node is killed in each). */
const PHASES = [400, 800];
const EVENTS = PHASES[PHASES.length - 1]!;
/** A pause between a producer's batches, so that the load spans the kill and the re-election. */
const PACE_MS = 30;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Answer {
  status: number;
  from: number;
  to: number;
  token: string;
  at: number;
}

/** One session's producer: re-sends a batch until it is answered 202/200, retrying 503s. */
interface Producer {
  session: string;
  chain: ClientEvent[];
  acked: number;
  answers: Answer[];
  unavailable: number;
}

let cluster: NatsClusterHandle;
let stack: TestStack;
const producers: Producer[] = Array.from({ length: SESSIONS }, (_, i) => ({
  session: `c-${i}`,
  chain: makeTestChain(TABLE, `c-${i}`, EVENTS),
  acked: 0,
  answers: [],
  unavailable: 0,
}));

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  await cluster.waitForMetaLeader(30_000);
  stack = await startTestStack('cluster', {
    env: {
      NATS_URL: cluster.url,
      CHAINLAKE_STREAM_REPLICAS: '3',
    },
  });
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
}, 90_000);

afterAll(async () => {
  // Streams are deleted through the cluster, so it goes last; a node killed by a failed test comes back first.
  for (const n of cluster?.nodes ?? []) if (!n.running()) await n.restart().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  await cluster?.stop();
}, 60_000);

/** Sends one session's batches until `target` events are answered 202/200; 503s are retried. */
async function produce(p: Producer, target: number): Promise<void> {
  while (p.acked < target) {
    const from = p.acked;
    const to = Math.min(from + PER_BATCH, target);
    const res = await stack.request(`/v1/ingest/${TABLE}`, {
      method: 'POST',
      json: {
        session_id: p.session,
        idempotency_key: `${p.session}:${from + 1}`,
        events: p.chain.slice(from, to),
      },
    });
    const body = (await res.json()) as Json;
    if (res.status === 202 || res.status === 200) {
      expect(body.head.seq).toBe(to);
      p.answers.push({
        status: res.status,
        from: from + 1,
        to,
        token: body.visibility_token,
        at: Date.now(),
      });
      p.acked = to;
      await new Promise((r) => setTimeout(r, PACE_MS));
    } else if (res.status === 503) {
      // No leader right now: nothing was written, or the retry answers duplicate. Back off and retry.
      p.unavailable += 1;
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      await new Promise((r) => setTimeout(r, 100));
    } else {
      throw new Error(
        `${p.session} batch ${from + 1}..${to}: unexpected ${res.status} ${JSON.stringify(body)}`,
      );
    }
  }
}

/** Runs the producers to `target`, killing `victim()` once every session is `warm` events in. */
async function loadWithKill(target: number, warm: number, victim: () => Promise<string>) {
  const running = Promise.all(producers.map((p) => produce(p, target)));
  running.catch(() => undefined);
  await eventually(async () => producers.every((p) => p.acked >= warm), 30_000, 'the load under way');
  const name = await victim();
  const killedAt = Date.now();
  await cluster.nodes.find((n) => n.name === name)!.kill();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    running,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`producers did not reach ${target} within 60 s`)), 60_000);
    }),
  ]).finally(() => clearTimeout(timer));
  const afterKill = producers.flatMap((p) => p.answers.filter((a) => a.at > killedAt));
  return { name, afterKill };
}

const streamInfo = () => stack.bus.jsm.streams.info(stack.bus.names.eventsStream).catch(() => null);

/** Every answered batch is in Postgres exactly once, in the latest snapshot's files, and verifies. */
async function expectExactlyOnce(events: number) {
  const db = stack.running.services.db;
  const lastToken = producers.flatMap((p) => p.answers).sort((a, b) => b.at - a.at)[0]!.token;
  await eventually(
    async () => ((await (await stack.request(`/v1/visibility/${lastToken}`)).json()) as Json).visible,
    60_000,
    'the last answered batch visible',
  );
  for (const p of producers) {
    const rows = await db.sql<{ seq: string; hash: string }[]>`
      select seq::text, hash from records
      where table_name = ${TABLE} and session_id = ${p.session} and kind = 'event' order by records.seq`;
    expect(rows.map((e) => Number(e.seq))).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    expect(rows.map((e) => e.hash)).toEqual(p.chain.slice(0, events).map((e) => e.hash));
    const report = (await (
      await stack.request(`/v1/tables/${TABLE}/sessions/${p.session}/verify`)
    ).json()) as Json;
    expect(report).toMatchObject({ valid: true, checked_events: events, errors: [] });
  }
  const counts = await eventually(
    async () => {
      const c = await lakeCounts(stack, TABLE);
      return c.parquet === c.postgres ? c : null;
    },
    30_000,
    'the latest snapshot holding every committed record',
  );
  expect(counts.postgres).toBe(counts.postgresDistinct);
  expect(counts.parquetDistinct).toBe(counts.postgres);
  return counts;
}

function summary(what: string, kill: { name: string; afterKill: Answer[] }, records: number) {
  const answered = producers.reduce((n, p) => n + p.answers.length, 0);
  const duplicates = producers.reduce((n, p) => n + p.answers.filter((a) => a.status === 200).length, 0);
  const unavailable = producers.reduce((n, p) => n + p.unavailable, 0);
  console.info(
    `cluster: killed ${what} ${kill.name}; so far ${answered} answered batches (${kill.afterKill.length} after this kill, ` +
      `${duplicates} answered duplicate), ${unavailable} 503s retried, ${records} records, 0 lost, 0 duplicated`,
  );
}

describe('a three-node JetStream cluster', () => {
  it('creates the event log with three replicas spread over the nodes', async () => {
    const info = await stack.bus.jsm.streams.info(stack.bus.names.eventsStream);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.leader).toMatch(/^clt-n[123]$/);
    expect(info.cluster?.replicas).toHaveLength(2);
  });

  it('loses no answered batch and stores none twice when the stream leader is killed mid-load', async () => {
    let leader = '';
    const kill = await loadWithKill(PHASES[0]!, 100, async () => {
      leader = (await streamInfo())!.cluster!.leader!;
      return leader;
    });
    expect(kill.afterKill.length).toBeGreaterThan(0);
    const newLeader = await eventually(
      async () => (await streamInfo())?.cluster?.leader,
      30_000,
      'a new stream leader',
    );
    expect(newLeader).not.toBe(leader);
    summary('the stream leader', kill, (await expectExactlyOnce(PHASES[0]!)).postgres);
  });

  it('takes the killed node back: it rejoins and catches up with the stream', async () => {
    const down = cluster.nodes.filter((n) => !n.running());
    expect(down).toHaveLength(1);
    await down[0]!.restart();
    await eventually(
      async () => {
        const peers = (await streamInfo())?.cluster?.replicas ?? [];
        return peers.length === 2 && peers.every((r) => r.current && !r.offline);
      },
      30_000,
      'every replica current',
    );
  });

  it('loses nothing when the node chainlake is connected to is killed mid-load', async () => {
    const kill = await loadWithKill(PHASES[1]!, PHASES[0]! + 100, async () => {
      const name = stack.running.services.bus.nc.info?.server_name;
      expect(name).toMatch(/^clt-n[123]$/);
      return name!;
    });
    expect(kill.afterKill.length).toBeGreaterThan(0);
    // chainlake reconnected to a surviving node.
    expect(stack.running.services.bus.nc.info?.server_name).not.toBe(kill.name);
    summary("chainlake's node", kill, (await expectExactlyOnce(PHASES[1]!)).postgres);
  });
});
