import { headers as natsHeaders } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { HEADERS, readBatchAt } from '../../src/bus/index.js';
import { toLogMessage } from '../../src/bus/log-message.js';
import { commitBatch, decodeMessage } from '../../src/commit/index.js';
import { lakeCounts, eventually } from '../support/lake-check.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'integrity';

async function ingest(stack: TestStack, session: string, count: number) {
  const res = await stack.request(`/v1/ingest/${TABLE}`, {
    method: 'POST',
    json: { session_id: session, events: makeTestChain(TABLE, session, count) },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Json;
}

const watermarkSeq = async (stack: TestStack) =>
  Number(
    ((await (await stack.request(`/v1/tables/${TABLE}/watermark`)).json()) as Json).watermark.split('.')[1],
  );

describe('a message written around the gatekeeper never enters the lake', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('integrity', { roles: ['api', 'committer'] });
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  });
  afterAll(async () => stack?.stop());

  it('rejects untagged, altered and copied messages on the log, and commits the real ones once', async () => {
    const real = await ingest(stack, 'real', 3);
    const stored = await readBatchAt(stack.bus, Number(real.visibility_token.split('.')[1]));
    const original = await stack.bus.jsm.streams.getMessage(stack.bus.names.eventsStream, {
      seq: stored!.streamSeq,
    });
    const tag = original!.header.get(HEADERS.signature);
    expect(tag).toMatch(/\./);

    const forge = async (session: string, body: string | Uint8Array, signature?: string) => {
      const h = natsHeaders();
      if (signature) h.set(HEADERS.signature, signature);
      await stack.bus.js.publish(stack.bus.names.events('default', TABLE, session), body, { headers: h });
    };
    // A valid-looking batch with no tag; the real body with a payload altered under the real tag;
    // the real body and tag on another session's subject; the very same message published again.
    const text = new TextDecoder().decode(original!.data);
    await forge('forged', text.replace('"real"', '"forged"'));
    await forge('real', text.replace('"n":1', '"n":9'), tag);
    await forge('other', original!.data, tag);
    await forge('real', original!.data, tag);
    await forge('junk', 'not a batch', tag);

    const last = (await stack.bus.jsm.streams.info(stack.bus.names.eventsStream)).state.last_seq;
    await eventually(
      async () => (await watermarkSeq(stack)) >= last,
      20_000,
      'the watermark passes every forged message',
    );
    expect(await lakeCounts(stack, TABLE)).toEqual({
      postgres: 4,
      postgresDistinct: 4,
      parquet: 4,
      parquetDistinct: 4,
    });
    const rejections = ((await (await stack.request(`/v1/rejections?table=${TABLE}`)).json()) as Json)
      .rejections;
    expect(rejections.map((r: Json) => r.code).sort()).toEqual(
      [
        'duplicate_batch',
        'log_signature_invalid',
        'log_signature_invalid',
        'log_signature_invalid',
        'log_signature_invalid',
      ].sort(),
    );
    const verify = (await (await stack.request(`/v1/tables/${TABLE}/sessions/real/verify`)).json()) as Json;
    expect(verify).toMatchObject({ valid: true, checked_events: 3, checked_seals: 1 });
  });
});

describe('the committer with a batch that holds one message twice (NATS 2.9 redelivery)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('dupbatch', { roles: ['api'] });
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  });
  afterAll(async () => stack?.stop());

  it('commits each message once, and neither a repeated message nor a copy of one fails the commit', async () => {
    await ingest(stack, 'a', 2);
    await ingest(stack, 'b', 2);
    const s = stack.running.services;
    const { bus } = s;
    await bus.jsm.consumers.add(bus.names.eventsStream, {
      durable_name: 'dup',
      ack_policy: 'explicit' as never,
    });
    // A tagged copy of a's message republished around the gatekeeper, to land in the same commit.
    const original = await bus.jsm.streams.getMessage(bus.names.eventsStream, { seq: 1 });
    const h = natsHeaders(); // its Chainlake headers, not its Nats-Msg-Id (JetStream would drop it)
    for (const name of Object.values(HEADERS)) {
      const value = original!.header.get(name);
      if (value) h.set(name, value);
    }
    await bus.js.publish(original!.subject, original!.data, { headers: h });
    const consumer = await bus.js.consumers.get(bus.names.eventsStream, 'dup');
    const fetched = [];
    for await (const m of await consumer.fetch({ max_messages: 3, expires: 5000 })) {
      fetched.push(m);
      if (fetched.length === 3) break;
    }
    const ctx = { prefix: bus.names.prefix, keys: s.keyRing.publicKeys, verify: 'tag' as const };
    const [a, b, copy] = fetched.map((m) => decodeMessage(ctx, toLogMessage(m)));
    await (await import('../../src/commit/claim-stream.js')).claimStream(bus, s.db);
    const report = await commitBatch(
      { db: s.db, store: s.store, stream: bus.names.eventsStream, columnsOf: async () => [] },
      [a!, copy!, b!, a!],
    );
    expect(report.committed.map((m) => m.msg.streamSeq).sort()).toEqual([1, 2]);
    // The copy in the same commit as its original is set aside, never written (it does not fail the commit).
    expect(report.copies.map((m) => m.msg.streamSeq)).toEqual([3]);
    expect(await lakeCounts(stack, TABLE)).toEqual({
      postgres: 6,
      postgresDistinct: 6,
      parquet: 6,
      parquetDistinct: 6,
    });
  });
});
