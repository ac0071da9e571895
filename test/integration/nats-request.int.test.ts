import { headers as natsHeaders, type Msg } from '@nats-io/nats-core';
import { Svcm, type ServiceInfo } from '@nats-io/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFromJwks, verifySeal, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
const REQUEST_TIMEOUT_MS = 15_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let stack: TestStack;

interface Reply {
  body: Json;
  errorCode: string | undefined;
  errorText: string | undefined;
  header(name: string): string | undefined;
}

/** One NATS request to `{prefix}.ingest.{tenant}.{table}`, as a producer would send it. */
async function request(
  body: unknown,
  opts: { tenant?: string; table?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
  const subject = stack.bus.names.ingest(opts.tenant ?? 'default', opts.table ?? TABLE);
  const msg: Msg = await stack.bus.nc.request(subject, opts.raw ?? JSON.stringify(body), {
    timeout: REQUEST_TIMEOUT_MS,
    headers: h,
  });
  return {
    body: msg.json<Json>(),
    errorCode: msg.headers?.get('Nats-Service-Error-Code') || undefined,
    errorText: msg.headers?.get('Nats-Service-Error') || undefined,
    header: (name) => msg.headers?.get(name) || undefined,
  };
}

const batch = (session: string, events: ClientEvent[], extra: Record<string, unknown> = {}) => ({
  session_id: session,
  events,
  ...extra,
});

/** The problem body is the HTTP one, and its status is in Nats-Service-Error-Code. */
function expectProblem(reply: Reply, status: number, code: string) {
  expect(reply.errorCode).toBe(String(status));
  expect(reply.errorText).toBeTruthy();
  expect(reply.body).toMatchObject({ status, code });
  for (const k of ['type', 'title', 'detail']) expect(typeof reply.body[k]).toBe('string');
  return reply.body;
}

beforeAll(async () => {
  stack = await startTestStack('natsreq', { roles: ['api', 'nats', 'committer'] });
  const res = await stack.request('/v1/tables', {
    method: 'POST',
    json: { name: TABLE, columns: [{ name: 'n', type: 'int64', required: true }] },
  });
  expect(res.status).toBe(201);
});
afterAll(() => stack?.stop());

describe('NATS request/reply ingest', () => {
  it('accepts a batch with the same answer as HTTP 202: seal that verifies and a visibility token', async () => {
    const chain = makeTestChain(TABLE, 'r-ok', 20);
    const reply = await request(batch('r-ok', chain));
    expect(reply.errorCode).toBeUndefined();
    expect(reply.header('Chainlake-Status')).toBe('202');
    expect(reply.body).toMatchObject({
      status: 'accepted',
      table: TABLE,
      session_id: 'r-ok',
      accepted_count: 20,
      duplicate_count: 0,
      head: { seq: 20, hash: chain[19]!.hash },
      visible: false,
    });
    expect(reply.body.visibility_token).toEqual(expect.any(String));
    const keys = keysFromJwks((await (await stack.request('/v1/keys')).json()) as Json);
    expect(verifySeal(reply.body.seal, keys)).toMatchObject({ ok: true });
    expect(reply.body.seal).toMatchObject({ tenant: 'default', from_seq: 1, seq: 20 });

    const again = await request(batch('r-ok', chain));
    expect(again.header('Chainlake-Status')).toBe('200');
    expect(again.body).toMatchObject({
      status: 'duplicate',
      accepted_count: 0,
      duplicate_count: 20,
      visibility_token: reply.body.visibility_token,
    });
  });

  it('waits for visibility when asked by header, like ?wait_for_visibility=true', async () => {
    const chain = makeTestChain(TABLE, 'r-visible', 3);
    const reply = await request(batch('r-visible', chain), {
      headers: { 'Chainlake-Wait-For-Visibility': 'true', 'Chainlake-Timeout-Ms': '20000' },
    });
    expect(reply.errorCode).toBeUndefined();
    expect(reply.header('Chainlake-Status')).toBe('200');
    expect(reply.body).toMatchObject({ status: 'visible', visible: true, accepted_count: 3 });
    const vis = await stack.request(`/v1/visibility/${reply.body.visibility_token}`);
    expect(((await vis.json()) as Json).visible).toBe(true);
  });

  it('answers 400 hash_mismatch naming the seq', async () => {
    const chain = makeTestChain(TABLE, 'r-tamper', 5);
    chain[2] = { ...chain[2]!, payload: { n: 3, text: 'tampered' } };
    const before = await stack.logCount();
    expect(expectProblem(await request(batch('r-tamper', chain)), 400, 'hash_mismatch')).toMatchObject({
      seq: 3,
    });
    expect(await stack.logCount()).toBe(before);
  });

  it('answers 400 invalid_request for malformed JSON and for a schema violation', async () => {
    const malformed = expectProblem(
      await request(null, { raw: '{"session_id": "x", ' }),
      400,
      'invalid_request',
    );
    expect(malformed.errors).toEqual([{ path: '', message: 'malformed JSON' }]);
    const schema = expectProblem(
      await request({ session_id: 'r-schema', events: [] }),
      400,
      'invalid_request',
    );
    expect(schema.errors.length).toBeGreaterThan(0);
  });

  it('answers 400 invalid_request for a bad wait header', async () => {
    const chain = makeTestChain(TABLE, 'r-header', 1);
    const reply = await request(batch('r-header', chain), {
      headers: { 'Chainlake-Wait-For-Visibility': 'true', 'Chainlake-Timeout-Ms': 'soon' },
    });
    expectProblem(reply, 400, 'invalid_request');
  });

  it('answers 400 for a tenant token that is not a tenant name', async () => {
    const chain = makeTestChain(TABLE, 'r-tenant', 1);
    expectProblem(
      await request(batch('r-tenant', chain), { tenant: 'Not_A_Tenant' }),
      400,
      'invalid_request',
    );
  });

  it('answers 404 table_not_found for an unknown table and for a table of another tenant', async () => {
    const chain = makeTestChain('nope', 'r-404', 1);
    expectProblem(await request(batch('r-404', chain), { table: 'nope' }), 404, 'table_not_found');
    expectProblem(await request(batch('r-404', chain), { tenant: 'other' }), 404, 'table_not_found');
  });

  it('answers 409 sequence_gap and sequence_conflict with expected_seq and head', async () => {
    const chain = makeTestChain(TABLE, 'r-gap', 10);
    expect((await request(batch('r-gap', chain.slice(0, 3)))).body.status).toBe('accepted');
    const gap = expectProblem(await request(batch('r-gap', chain.slice(5, 10))), 409, 'sequence_gap');
    expect(gap).toMatchObject({ expected_seq: 4, head: { seq: 3, hash: chain[2]!.hash } });
    const fork = makeTestChain(TABLE, 'r-gap', 2, { seq: 3, hash: 'b'.repeat(64) });
    expect(expectProblem(await request(batch('r-gap', fork)), 409, 'sequence_conflict')).toMatchObject({
      expected_seq: 4,
    });
  });

  it('answers 409 idempotency_key_reused for a key reused with other events', async () => {
    const one = makeTestChain(TABLE, 'r-idem', 2);
    expect((await request(batch('r-idem', one, { idempotency_key: 'k1' }))).body.status).toBe('accepted');
    const other = makeTestChain(TABLE, 'r-idem-2', 2);
    expectProblem(
      await request(batch('r-idem-2', other, { idempotency_key: 'k1' })),
      409,
      'idempotency_key_reused',
    );
  });

  it('answers 413 batch_too_large for more events than the limit', async () => {
    const chain = makeTestChain(TABLE, 'r-big', 1001);
    const problem = expectProblem(await request(batch('r-big', chain)), 413, 'batch_too_large');
    expect(problem.detail).toMatch(/1000/);
  });

  it('is discoverable as service "chainlake" with a queue group, and counts requests in /metrics', async () => {
    const client = new Svcm(stack.bus.nc as unknown as ConstructorParameters<typeof Svcm>[0]).client();
    const subject = `${stack.config.prefix}.ingest.*.*`;
    const ours: ServiceInfo[] = [];
    for await (const info of await client.info('chainlake')) {
      if (info.endpoints.some((e) => e.subject === subject)) ours.push(info);
    }
    expect(ours).toHaveLength(1);
    expect(ours[0]!.endpoints[0]).toMatchObject({ name: 'ingest', subject, queue_group: 'chainlake' });
    expect(ours[0]!.metadata).toMatchObject({ prefix: stack.config.prefix });
    let pinged = false;
    for await (const id of await client.ping('chainlake')) if (id.id === ours[0]!.id) pinged = true;
    expect(pinged).toBe(true);

    const metrics = await (await stack.request('/metrics')).text();
    expect(metrics).toMatch(/chainlake_ingest_requests_total\{transport="nats",code="accepted"\} [1-9]/);
    expect(metrics).toMatch(/chainlake_ingest_requests_total\{transport="nats",code="hash_mismatch"\} [1-9]/);
  });

  it('answers requests in flight before it stops (drain)', async () => {
    // Without a committer a wait for visibility runs to its timeout: a request still in flight at stop.
    await stack.restart(['api', 'nats']);
    const chain = makeTestChain(TABLE, 'r-drain', 2);
    const pending = request(batch('r-drain', chain), {
      headers: { 'Chainlake-Wait-For-Visibility': 'true', 'Chainlake-Timeout-Ms': '2000' },
    });
    pending.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
    await new Promise((r) => setTimeout(r, 500));
    const stopped = Date.now();
    await stack.restart(['api', 'nats', 'committer']);
    const reply = await pending;
    expect(reply.errorCode).toBeUndefined();
    expect(reply.body).toMatchObject({ status: 'accepted', visible: false, accepted_count: 2 });
    // The restart waited for the answer instead of dropping it.
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(1000);
  });
});
