import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import type { ClientEvent } from '../../src/chain/index.js';
import { eventually, lakeCounts } from '../support/lake-check.js';
import { envOf, spawnChainlake, type ChainlakeChild } from '../support/spawn-chainlake.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
const SESSIONS = 6;
const PER_BATCH = 10;
const EVENTS = 400;
const ROUNDS = 5;

/** A producer that behaves like the SDK: a batch without an answer is re-sent with the same key. */
interface Producer {
  session: string;
  chain: ClientEvent[];
  /** Events answered 202/200 so far. */
  acked: number;
  answers: { status: number; from: number; to: number }[];
}

let stack: TestStack;
let child: ChainlakeChild | undefined;
const producers: Producer[] = Array.from({ length: SESSIONS }, (_, i) => ({
  session: `load-${i}`,
  chain: makeTestChain(TABLE, `load-${i}`, EVENTS),
  acked: 0,
  answers: [],
}));

beforeAll(async () => {
  stack = await startTestStack('crashload', { roles: ['api'] });
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
});
afterAll(async () => {
  await child?.kill();
  await stack?.stop();
});

/** Sends batches until the producer is done or `stop` says so; connection errors end the run quietly. */
async function produce(p: Producer, url: string, stop: () => boolean): Promise<void> {
  while (!stop() && p.acked < EVENTS) {
    const from = p.acked;
    const to = Math.min(from + PER_BATCH, EVENTS);
    let res: Response;
    try {
      res = await fetch(`${url}/v1/ingest/${TABLE}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          session_id: p.session,
          idempotency_key: `${p.session}:${from + 1}`,
          events: p.chain.slice(from, to),
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return; // the server died mid-request: the outcome is unknown, the same batch is re-sent later
    }
    if (res.status === 202 || res.status === 200) {
      p.answers.push({ status: res.status, from: from + 1, to });
      p.acked = to;
    } else if (res.status !== 503) {
      throw new Error(`${p.session} batch ${from + 1}..${to}: unexpected ${res.status} ${await res.text()}`);
    }
  }
}

describe('kill -9 at random points under load', () => {
  it('loses no answered batch and stores nothing twice', async () => {
    for (let round = 0; round < ROUNDS && producers.some((p) => p.acked < EVENTS); round++) {
      child = await spawnChainlake({ ...envOf(stack.config), ROLES: 'api,committer' });
      const url = (await child.waitFor((m) => m.type === 'ready')).url as string;
      let stopped = false;
      const running = producers.map((p) => produce(p, url, () => stopped));
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900));
      await child.kill(); // mid-load: requests, commits and acks in flight
      stopped = true;
      await Promise.all(running);
    }
    // A final, uninterrupted run finishes every producer and lets the committer catch up.
    child = await spawnChainlake({ ...envOf(stack.config), ROLES: 'api,committer' });
    const url = (await child.waitFor((m) => m.type === 'ready')).url as string;
    await Promise.all(producers.map((p) => produce(p, url, () => false)));
    expect(producers.every((p) => p.acked === EVENTS)).toBe(true);

    const expectedEvents = SESSIONS * EVENTS;
    await eventually(
      async () => {
        const [row] = await stack.running.services.db.sql<{ n: string }[]>`
        select count(*)::text as n from records where kind = 'event'`;
        return Number(row!.n) >= expectedEvents;
      },
      60_000,
      'every event committed',
    );
    await eventually(
      async () => {
        const wm = (await (await fetch(`${url}/v1/tables/${TABLE}/watermark`)).json()) as {
          lag: { messages: number };
        };
        return wm.lag.messages === 0;
      },
      60_000,
      'no lag',
    );

    // Each session holds exactly seqs 1..EVENTS once, and its seals cover them without overlap.
    const db = stack.running.services.db;
    for (const p of producers) {
      const events = await db.sql<{ seq: string; hash: string }[]>`
        select seq::text, hash from records where table_name = ${TABLE} and session_id = ${p.session} and kind = 'event' order by records.seq`;
      expect(events.map((e) => Number(e.seq))).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
      expect(events.map((e) => e.hash)).toEqual(p.chain.map((e) => e.hash));
      const seals = await db.sql<{ payload: string }[]>`
        select payload from records where table_name = ${TABLE} and session_id = ${p.session} and kind = 'seal' order by records.seq`;
      let next = 1;
      for (const { payload } of seals) {
        const seal = JSON.parse(payload) as { from_seq: number; seq: number };
        expect(seal.from_seq).toBe(next);
        next = seal.seq + 1;
      }
      expect(next).toBe(EVENTS + 1);
    }
    const counts = await lakeCounts(stack, TABLE);
    expect(counts.postgres).toBe(counts.postgresDistinct);
    expect(counts.parquet).toBe(counts.postgres);
    expect(counts.parquetDistinct).toBe(counts.postgres);
    const answered = producers.reduce((n, p) => n + p.answers.length, 0);
    const duplicates = producers.reduce((n, p) => n + p.answers.filter((a) => a.status === 200).length, 0);
    console.info(
      `crash-under-load: ${ROUNDS} kills, ${answered} answered batches (${duplicates} re-sends answered duplicate), 0 lost, 0 duplicated`,
    );
  });
});
