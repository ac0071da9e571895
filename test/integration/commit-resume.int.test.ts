import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import type { ClientEvent } from '../../src/chain/index.js';
import { lakeCounts, eventually } from '../support/lake-check.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'resume';
const SESSIONS = 4;
const BATCH = 5;

describe('commits after nats-server is killed under load', () => {
  let nats: NatsServerHandle;
  let stack: TestStack;
  beforeAll(async () => {
    nats = await startNatsServer();
    stack = await startTestStack('resume', { env: { NATS_URL: nats.url } });
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  });
  afterAll(async () => {
    await nats?.restart().catch(() => undefined);
    await stack?.stop();
    await nats?.stop();
  });

  it('resume within 2 s of the reconnect, losing and duplicating nothing', async () => {
    const chains = Array.from({ length: SESSIONS }, (_, i) => makeTestChain(TABLE, `s${i}`, 400));
    const next = new Array<number>(SESSIONS).fill(0);
    let running = true;
    let accepted = 0;
    let lastToken = 0;
    const send = async (i: number, events: ClientEvent[]) =>
      stack.request(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        json: { session_id: i < 0 ? 'probe' : `s${i}`, events },
      });
    const producer = async (i: number) => {
      while (running && next[i]! < 400) {
        const res = await send(i, chains[i]!.slice(next[i], next[i]! + BATCH)).catch(() => null);
        if (res && res.status < 300) {
          const body = (await res.json()) as Json;
          next[i] = body.head.seq;
          accepted += body.accepted_count;
          lastToken = Math.max(lastToken, Number(body.visibility_token.split('.')[1]));
        } else await new Promise((r) => setTimeout(r, 50));
      }
    };
    const producers = chains.map((_, i) => producer(i));
    await eventually(async () => accepted >= 200, 20_000, 'load is flowing');

    await nats.kill();
    await new Promise((r) => setTimeout(r, 500));
    await nats.restart();
    // Reconnected once ingest is answered again; from then on the watermark must move within 2 s.
    const probe = makeTestChain(TABLE, 'probe', 1);
    await eventually(
      async () => (await send(-1, probe).catch(() => null))?.status !== 503,
      30_000,
      'ingest after the restart',
    );
    const reconnected = Date.now();
    const wm = async () =>
      Number(
        ((await (await stack.request(`/v1/tables/${TABLE}/watermark`)).json()) as Json).watermark.split(
          '.',
        )[1],
      );
    const before = await wm();
    await eventually(async () => (await wm()) > before, 10_000, 'the watermark moves');
    const resumedMs = Date.now() - reconnected;
    console.log(
      `commit-resume: commits resumed ${resumedMs} ms after the reconnect (watermark ${before} → ${await wm()})`,
    );
    expect(resumedMs).toBeLessThan(2_000);

    running = false;
    await Promise.all(producers);
    await eventually(async () => (await wm()) >= lastToken, 30_000, 'everything accepted is committed');
    const counts = await lakeCounts(stack, TABLE);
    expect(counts.postgres).toBe(counts.postgresDistinct);
    expect(counts.parquet).toBe(counts.parquetDistinct);
    expect(counts.postgres).toBe(counts.parquet);
    for (let i = 0; i < SESSIONS; i++) {
      const info = (await (await stack.request(`/v1/tables/${TABLE}/sessions/s${i}`)).json()) as Json;
      const v = (await (await stack.request(`/v1/tables/${TABLE}/sessions/s${i}/verify`)).json()) as Json;
      expect(v).toMatchObject({ valid: true, checked_events: info.accepted_head.seq });
    }
  }, 90_000);
});
