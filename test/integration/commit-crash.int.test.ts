import { afterEach, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startServer } from '../../src/server/main.js';
import { createLog } from '../../src/log.js';
import { eventually, lakeCounts, readLatestSnapshotRows } from '../support/lake-check.js';
import { envOf, spawnChainlake, type ChainlakeChild } from '../support/spawn-chainlake.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
const SESSIONS = 4;
const BATCHES = 3;
const PER_BATCH = 5;
/** Records per session: events plus one seal per batch. */
const EXPECTED = SESSIONS * BATCHES * (PER_BATCH + 1);

let stack: TestStack | undefined;
let child: ChainlakeChild | undefined;
afterEach(async () => {
  await child?.kill();
  await stack?.stop();
  child = undefined;
  stack = undefined;
});

async function setup(label: string): Promise<TestStack> {
  const s = await startTestStack(label, { roles: ['api'] });
  const res = await s.request('/v1/tables', {
    method: 'POST',
    json: { name: TABLE, columns: [{ name: 'n', type: 'int64' }] },
  });
  expect(res.status).toBe(201);
  return s;
}

async function ingestAll(s: TestStack): Promise<void> {
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) => ingestSession(s, i)));
}

async function ingestSession(s: TestStack, i: number): Promise<void> {
  {
    const chain = makeTestChain(TABLE, `crash-${i}`, BATCHES * PER_BATCH);
    for (let b = 0; b < BATCHES; b++) {
      const res = await s.request(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        json: { session_id: `crash-${i}`, events: chain.slice(b * PER_BATCH, (b + 1) * PER_BATCH) },
      });
      expect(res.status).toBe(202);
    }
  }
}

/** Every answered batch is committed exactly once in Postgres and across the latest snapshot's files. */
async function expectExactlyOnce(s: TestStack): Promise<void> {
  const counts = await eventually(
    async () => {
      const c = await lakeCounts(s, TABLE);
      return c.postgres >= EXPECTED && c.parquet >= EXPECTED ? c : false;
    },
    30_000,
    'all records committed',
  );
  expect(counts).toEqual({
    postgres: EXPECTED,
    postgresDistinct: EXPECTED,
    parquet: EXPECTED,
    parquetDistinct: EXPECTED,
  });
  // Every leased message was settled: nothing pending, nothing waiting for an ack.
  await eventually(
    async () => {
      const info = await s.bus.jsm.consumers.info(s.bus.names.eventsStream, s.bus.names.committerDurable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    30_000,
    'consumer drained',
  );
  const wm = (await (await s.request(`/v1/tables/${TABLE}/watermark`)).json()) as {
    lag: { messages: number };
  };
  expect(wm.lag.messages).toBe(0);
}

describe('commit protocol under crashes', () => {
  it('kill -9 after the Parquet write: a restarted committer commits everything exactly once', async () => {
    stack = await setup('crashpq');
    child = await spawnChainlake({ ...envOf(stack.config), CRASH_POINT: 'afterParquet', PAUSE_MS: '60000' });
    await ingestAll(stack);
    await child.waitFor((m) => m.type === 'hook', 20_000, 'the afterParquet hook');
    await child.kill();
    expect(await stack.rowCount('records')).toBe(0);
    const orphans = await stack.running.services.store.list(`default/${TABLE}/`);
    expect(orphans.length).toBeGreaterThan(0);

    await stack.restart(['api', 'committer']);
    await expectExactlyOnce(stack);
    // The crashed attempt's file stays an orphan: no snapshot lists it.
    const rows = await readLatestSnapshotRows(stack, TABLE);
    expect(rows).toHaveLength(EXPECTED);
  });

  it('kill -9 after the Postgres commit but before the ack: redelivery is detected and only acked', async () => {
    stack = await setup('crashack');
    child = await spawnChainlake({ ...envOf(stack.config), CRASH_POINT: 'afterCommit', PAUSE_MS: '60000' });
    await ingestAll(stack);
    await child.waitFor((m) => m.type === 'hook', 20_000, 'the afterCommit hook');
    await child.kill();
    const committedBeforeRestart = await stack.rowCount('records');
    expect(committedBeforeRestart).toBeGreaterThan(0);

    await stack.restart(['api', 'committer']);
    await expectExactlyOnce(stack);
  });

  it('a paused (zombie) committer is fenced off after its lease passed to another', async () => {
    stack = await setup('zombie');
    child = await spawnChainlake({ ...envOf(stack.config), CRASH_POINT: 'afterParquet', PAUSE_MS: '1500' });
    await ingestAll(stack);
    const inHand = (await child.waitFor((m) => m.type === 'hook', 20_000, 'the afterParquet hook'))
      .seqs as number[];
    child.signal('SIGSTOP'); // the zombie: holds its lease but can no longer extend it

    // The new owner gets the redelivery once the lease lapses, claims it, and holds before its commit
    // until the zombie has woken up and tried to commit the same messages.
    const zombie = child;
    let zombieVerdict: Record<string, unknown> | undefined;
    await stack.restart(['api', 'committer'], {
      commitHooks: {
        afterParquet: async (seqs) => {
          if (zombieVerdict || !seqs.some((s) => inHand.includes(s))) return;
          zombie.signal('SIGCONT');
          zombieVerdict = await zombie.waitFor(
            (m) => m.type === 'commit',
            20_000,
            "the zombie's commit attempt",
          );
        },
      },
    });
    await expectExactlyOnce(stack);
    // The zombie found its messages leased to a newer delivery and wrote none of them.
    expect(zombieVerdict).toMatchObject({ type: 'commit' });
    expect(Number(zombieVerdict!.fenced)).toBeGreaterThan(0);
  });

  it('two committers on one stream commit each record exactly once', async () => {
    stack = await setup('twocommit');
    const second = await startServer(stack.config, ['committer'], { log: createLog('error') });
    try {
      await stack.restart(['api', 'committer']);
      await ingestAll(stack);
      await expectExactlyOnce(stack);
    } finally {
      await second.stop();
    }
  });
});
