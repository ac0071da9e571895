import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/chain/index.js';
import { ensureStreams } from '../../src/bus/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { eventually, lakeCounts } from '../support/lake-check.js';
import { envOf } from '../support/spawn-chainlake.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
const BIN = resolve(import.meta.dirname, '../../bin/chainlake.js');
const CLI_TIMEOUT_MS = 30_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Outcomes {
  seen: { subject: string; body: Json }[];
  /** Resolves with the first outcome (seen before or after the call) that matches. */
  wait(match: (o: Json) => boolean, what: string, timeoutMs?: number): Promise<Json>;
  close(): void;
}

/** Subscribes to every outcome of the stack's prefix; call before publishing. */
async function watchOutcomes(s: TestStack): Promise<Outcomes> {
  const seen: Outcomes['seen'] = [];
  const sub = s.bus.nc.subscribe(`${s.config.prefix}.outcome.>`, {
    callback: (err, m) => {
      if (!err) seen.push({ subject: m.subject, body: m.json<Json>() });
    },
  });
  await s.bus.nc.flush();
  return {
    seen,
    wait: (match, what, timeoutMs = 20_000) =>
      eventually(async () => seen.find((o) => match(o.body))?.body, timeoutMs, what),
    close: () => sub.unsubscribe(),
  };
}

/** Publishes an ingest request to the raw stream, as a producer would. */
async function publishRaw(
  s: TestStack,
  body: unknown,
  msgId: string,
  opts: { table?: string; tenant?: string } = {},
) {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return s.bus.js.publish(s.bus.names.raw(opts.tenant ?? 'default', opts.table ?? TABLE), data, {
    msgID: msgId,
  });
}

const batch = (session: string, events: ClientEvent[]) => ({ session_id: session, events });

async function createTable(s: TestStack) {
  const res = await s.request('/v1/tables', {
    method: 'POST',
    json: { name: TABLE, columns: [{ name: 'n', type: 'int64', required: true }] },
  });
  expect(res.status).toBe(201);
}

describe('raw publishing through the gatekeeper', () => {
  let stack: TestStack;
  let outcomes: Outcomes;
  let dir: string;
  const children = new Set<ChildProcess>();

  /** Runs `chainlake …` against the stack's database and NATS; killed if it outlives the timeout. */
  function chainlake(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...envOf(stack.config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`chainlake ${args.join(' ')} ran longer than ${CLI_TIMEOUT_MS} ms: ${stderr}`));
      }, CLI_TIMEOUT_MS);
      child.once('close', (code) => {
        clearTimeout(timer);
        children.delete(child);
        done({ code, stdout, stderr });
      });
    });
  }

  const rejectionsOf = async (query = '', tenant = 'default') => {
    const res = await stack.request(`/v1/rejections${query}`, { tenant });
    expect(res.status).toBe(200);
    return ((await res.json()) as Json).rejections as Json[];
  };

  beforeAll(async () => {
    stack = await startTestStack('natsraw', { roles: ['api', 'gatekeeper'] });
    dir = await mkdtemp(join(tmpdir(), 'chainlake-natsraw-'));
    await createTable(stack);
    outcomes = await watchOutcomes(stack);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    outcomes?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts a valid batch: an accepted outcome with msg_id, raw_seq, seal and token on the outcome subject', async () => {
    const chain = makeTestChain(TABLE, 'w-ok', 5);
    const ack = await publishRaw(stack, batch('w-ok', chain), 'ok-1');
    const outcome = await outcomes.wait((o) => o.msg_id === 'ok-1', 'outcome of ok-1');
    expect(outcome).toMatchObject({
      msg_id: 'ok-1',
      raw_seq: ack.seq,
      status: 'accepted',
      table: TABLE,
      session_id: 'w-ok',
      accepted_count: 5,
      duplicate_count: 0,
      head: { seq: 5, hash: chain[4]!.hash },
      seal: { type: 'CHAIN_SEAL', tenant: 'default', from_seq: 1, seq: 5 },
      visible: false,
    });
    expect(outcome.visibility_token).toEqual(expect.any(String));
    expect(outcomes.seen.find((o) => o.body.msg_id === 'ok-1')!.subject).toBe(
      stack.bus.names.outcome('default', TABLE),
    );
  });

  it('verifies the messages of one session in stream order', async () => {
    const chain = makeTestChain(TABLE, 'w-order', 25);
    for (let b = 0; b < 5; b++)
      await publishRaw(stack, batch('w-order', chain.slice(b * 5, b * 5 + 5)), `order-${b}`);
    const heads: number[] = [];
    for (let b = 0; b < 5; b++) {
      const o = await outcomes.wait((x) => x.msg_id === `order-${b}`, `outcome of order-${b}`);
      expect(o.status).toBe('accepted');
      heads.push(o.head.seq);
    }
    expect(heads).toEqual([5, 10, 15, 20, 25]);
  });

  it('rejects a tampered batch: rejected outcome with the problem, a stored rejection, nothing in the log', async () => {
    const chain = makeTestChain(TABLE, 'w-tamper', 5);
    chain[2] = { ...chain[2]!, payload: { n: 3, text: 'tampered' } };
    const before = await stack.logCount();
    const ack = await publishRaw(stack, batch('w-tamper', chain), 'tamper-1');
    const outcome = await outcomes.wait((o) => o.msg_id === 'tamper-1', 'outcome of tamper-1');
    expect(outcome).toMatchObject({
      msg_id: 'tamper-1',
      raw_seq: ack.seq,
      status: 'rejected',
      table: TABLE,
      session_id: 'w-tamper',
      rejection_id: expect.any(String),
      problem: { status: 400, code: 'hash_mismatch', seq: 3 },
    });
    expect(await stack.logCount()).toBe(before);
    const listed = (await rejectionsOf(`?table=${TABLE}`)).find((r) => r.id === outcome.rejection_id);
    expect(listed).toMatchObject({
      table: TABLE,
      session_id: 'w-tamper',
      code: 'hash_mismatch',
      msg_id: 'tamper-1',
      redriven_at: null,
    });
    expect(Date.parse(listed.received_at)).not.toBeNaN();
  });

  it('rejects a gapped batch as sequence_gap (after a few retries in case the gap heals)', async () => {
    const chain = makeTestChain(TABLE, 'w-gap', 10);
    await publishRaw(stack, batch('w-gap', chain.slice(0, 3)), 'gap-head');
    await outcomes.wait((o) => o.msg_id === 'gap-head', 'outcome of gap-head');
    await publishRaw(stack, batch('w-gap', chain.slice(5, 10)), 'gap-1');
    const outcome = await outcomes.wait((o) => o.msg_id === 'gap-1', 'outcome of gap-1');
    expect(outcome).toMatchObject({
      status: 'rejected',
      problem: { status: 409, code: 'sequence_gap', expected_seq: 4, head: { seq: 3, hash: chain[2]!.hash } },
    });
  });

  it('stores one message for the same Nats-Msg-Id twice, and answers the same events under a new msg id as duplicate', async () => {
    const chain = makeTestChain(TABLE, 'w-dup', 4);
    const first = await publishRaw(stack, batch('w-dup', chain), 'dup-1');
    const second = await publishRaw(stack, batch('w-dup', chain), 'dup-1');
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    const accepted = await outcomes.wait((o) => o.msg_id === 'dup-1', 'outcome of dup-1');
    expect(accepted.status).toBe('accepted');

    const logBefore = await stack.logCount();
    await publishRaw(stack, batch('w-dup', chain), 'dup-2');
    const duplicate = await outcomes.wait((o) => o.msg_id === 'dup-2', 'outcome of dup-2');
    expect(duplicate).toMatchObject({
      status: 'duplicate',
      accepted_count: 0,
      duplicate_count: 4,
      visibility_token: accepted.visibility_token,
      seal: { hash: accepted.seal.hash },
    });
    expect(await stack.logCount()).toBe(logBefore);
    // The raw stream held dup-1 once, so exactly one outcome was published for it.
    expect(outcomes.seen.filter((o) => o.body.msg_id === 'dup-1')).toHaveLength(1);
  });

  it('rejects malformed JSON, an unknown table and a bad tenant token', async () => {
    await publishRaw(stack, '{"session_id": "w-bad", ', 'bad-json');
    expect(await outcomes.wait((o) => o.msg_id === 'bad-json', 'outcome of bad-json')).toMatchObject({
      status: 'rejected',
      session_id: null,
      problem: { status: 400, code: 'invalid_request', errors: [{ path: '', message: 'malformed JSON' }] },
    });
    const chain = makeTestChain('nope', 'w-404', 2);
    await publishRaw(stack, batch('w-404', chain), 'no-table', { table: 'nope' });
    expect(await outcomes.wait((o) => o.msg_id === 'no-table', 'outcome of no-table')).toMatchObject({
      status: 'rejected',
      table: 'nope',
      problem: { status: 404, code: 'table_not_found' },
    });
    await publishRaw(stack, batch('w-404', chain), 'bad-tenant', { tenant: 'Bad_Tenant' });
    expect(await outcomes.wait((o) => o.msg_id === 'bad-tenant', 'outcome of bad-tenant')).toMatchObject({
      status: 'rejected',
      problem: { status: 400, code: 'invalid_request' },
    });
    expect(outcomes.seen.find((o) => o.body.msg_id === 'bad-tenant')!.subject).toBe(
      `${stack.config.prefix}.outcome.Bad_Tenant.${TABLE}`,
    );
  });

  it('lists rejections by HTTP (tenant-scoped, newest first, table filter, limit) and by the CLI', async () => {
    const all = await rejectionsOf();
    expect(all.length).toBeGreaterThanOrEqual(4);
    const ids = all.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    for (const r of all)
      expect(Object.keys(r).sort()).toEqual(
        ['code', 'detail', 'id', 'msg_id', 'received_at', 'redriven_at', 'session_id', 'table'].sort(),
      );
    expect((await rejectionsOf('?table=nope')).map((r) => r.msg_id)).toEqual(['no-table']);
    expect(await rejectionsOf('?limit=1')).toHaveLength(1);
    expect(await rejectionsOf('', 'other-tenant')).toEqual([]);
    for (const q of ['?limit=0', '?limit=1001', '?limit=x', '?table=Bad-Name']) {
      const res = await stack.request(`/v1/rejections${q}`);
      expect(res.status, q).toBe(400);
    }

    const ran = await chainlake(['rejections', 'list', '--table', TABLE]);
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.msg_id)).toEqual(expect.arrayContaining(['tamper-1', 'gap-1']));
    expect(lines.every((l) => l.table === TABLE)).toBe(true);
    const other = await chainlake(['rejections', 'list', '--tenant', 'other-tenant']);
    expect(other.stdout).toBe('');
  });

  it('re-drives a rejection once its cause is fixed, with a new msg id', async () => {
    const chain = makeTestChain(TABLE, 'w-redrive', 10);
    await publishRaw(stack, batch('w-redrive', chain.slice(5, 10)), 'redrive-late');
    const rejected = await outcomes.wait((o) => o.msg_id === 'redrive-late', 'rejection of redrive-late');
    expect(rejected.problem.code).toBe('sequence_gap');
    // The cause is fixed: the missing events arrive.
    await publishRaw(stack, batch('w-redrive', chain.slice(0, 5)), 'redrive-first');
    expect(
      (await outcomes.wait((o) => o.msg_id === 'redrive-first', 'outcome of redrive-first')).status,
    ).toBe('accepted');

    const ran = await chainlake(['rejections', 'redrive', rejected.rejection_id]);
    expect(ran.code, ran.stderr).toBe(0);
    const msgId = `redrive.${rejected.rejection_id}.1`;
    expect(JSON.parse(ran.stdout)).toMatchObject({ id: rejected.rejection_id, table: TABLE, msg_id: msgId });
    const redriven = await outcomes.wait((o) => o.msg_id === msgId, `outcome of ${msgId}`);
    expect(redriven).toMatchObject({ status: 'accepted', accepted_count: 5, head: { seq: 10 } });
    const listed = (await rejectionsOf()).find((r) => r.id === rejected.rejection_id);
    expect(Date.parse(listed.redriven_at)).not.toBeNaN();

    // A second redrive gets the next msg id; the chain answers it as a duplicate.
    const again = await chainlake(['rejections', 'redrive', rejected.rejection_id]);
    expect(again.code, again.stderr).toBe(0);
    const msgId2 = `redrive.${rejected.rejection_id}.2`;
    expect(JSON.parse(again.stdout).msg_id).toBe(msgId2);
    expect((await outcomes.wait((o) => o.msg_id === msgId2, `outcome of ${msgId2}`)).status).toBe(
      'duplicate',
    );
  });

  it('refuses to re-drive an unknown rejection, another tenant’s, or one from the event log', async () => {
    const [mine] = await rejectionsOf();
    expect((await chainlake(['rejections', 'redrive', '999999999'])).code).toBe(2);
    const foreign = await chainlake(['rejections', 'redrive', mine.id, '--tenant', 'other-tenant']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/does not exist/);
    const [row] = await stack.running.services.db.sql<{ id: string }[]>`
      insert into rejections (tenant, table_name, code, detail, stream, stream_seq, body)
      values ('default', ${TABLE}, 'invalid_seal', 'test', ${stack.bus.names.eventsStream}, 1, '{}')
      returning id::text as id`;
    const fromLog = await chainlake(['rejections', 'redrive', row!.id]);
    expect(fromLog.code).toBe(2);
    expect(fromLog.stderr).toMatch(/only raw messages can be re-driven/);
  });

  it('retries a message while the event log is missing (nak with backoff) and accepts it once the log is back', async () => {
    await stack.bus.jsm.streams.delete(stack.bus.names.eventsStream);
    const chain = makeTestChain(TABLE, 'w-transient', 3);
    await publishRaw(stack, batch('w-transient', chain), 'transient-1');
    await eventually(
      async () => {
        const info = await stack.bus.jsm.consumers.info(
          stack.bus.names.rawStream,
          stack.bus.names.gatekeeperDurable,
        );
        return info.num_redelivered > 0;
      },
      20_000,
      'a redelivery',
    );
    expect(outcomes.seen.some((o) => o.body.msg_id === 'transient-1')).toBe(false);
    await ensureStreams(stack.bus, stack.config.stream);
    const outcome = await outcomes.wait((o) => o.msg_id === 'transient-1', 'outcome of transient-1', 30_000);
    expect(outcome).toMatchObject({ status: 'accepted', accepted_count: 3 });
    expect((await rejectionsOf()).some((r) => r.msg_id === 'transient-1')).toBe(false);
  });

  it('counts raw results in /metrics', async () => {
    const metrics = await (await stack.request('/metrics')).text();
    expect(metrics).toMatch(/chainlake_ingest_requests_total\{transport="raw",code="accepted"\} [1-9]/);
    expect(metrics).toMatch(/chainlake_ingest_requests_total\{transport="raw",code="hash_mismatch"\} [1-9]/);
  });
});

interface GatekeeperChild {
  messages: Json[];
  waitFor(match: (m: Json) => boolean, what: string, timeoutMs?: number): Promise<Json>;
  kill(): Promise<void>;
}

/** Starts test/support/gatekeeper-child.ts in its own Node process and waits until it is serving. */
async function forkGatekeeper(env: Record<string, string>): Promise<GatekeeperChild> {
  const script = fileURLToPath(new URL('../support/gatekeeper-child.ts', import.meta.url));
  const proc = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Json[] = [];
  proc.on('message', (m) => messages.push(m));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const child: GatekeeperChild = {
    messages,
    waitFor: (match, what, timeoutMs = 30_000) =>
      eventually(async () => messages.find(match), timeoutMs, what),
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await child.waitFor((m) => m.type === 'ready', 'child ready');
  } catch (err) {
    await child.kill();
    throw err;
  }
  return child;
}

describe('a gatekeeper crash between the log publish and the raw ack', () => {
  let stack: TestStack | undefined;
  let child: GatekeeperChild | undefined;
  let outcomes: Outcomes | undefined;
  afterAll(async () => {
    await child?.kill();
    outcomes?.close();
    await stack?.stop();
  });

  it('never accepts twice: the redelivery answers duplicate with the original token, and the batch commits once', async () => {
    stack = await startTestStack('natsrawcrash', { roles: ['api'] });
    await createTable(stack);
    outcomes = await watchOutcomes(stack);
    child = await forkGatekeeper({
      ...envOf(stack.config),
      ROLES: 'gatekeeper',
      CRASH_POINT: 'afterIngest',
      PAUSE_MS: '60000',
    });
    const chain = makeTestChain(TABLE, 'w-crash', 5);
    const ack = await publishRaw(stack, batch('w-crash', chain), 'crash-1');
    const hook = await child.waitFor((m) => m.type === 'hook', 'the afterIngest hook');
    expect(hook).toMatchObject({ rawSeq: ack.seq, status: 'accepted' });
    await child.kill();
    child = undefined;
    // The batch is in the log, but no outcome was published and the raw message was not acked.
    expect(await stack.logCount()).toBe(1);
    expect(outcomes.seen).toHaveLength(0);

    await stack.restart(['api', 'gatekeeper', 'committer']);
    const outcome = await outcomes.wait((o) => o.msg_id === 'crash-1', 'outcome of the redelivery', 30_000);
    expect(outcome).toMatchObject({
      msg_id: 'crash-1',
      raw_seq: ack.seq,
      status: 'duplicate',
      accepted_count: 0,
      duplicate_count: 5,
      visibility_token: hook.token,
    });
    expect(outcomes.seen).toHaveLength(1);
    expect(await stack.logCount()).toBe(1);
    const s = stack;
    const counts = await eventually(
      async () => {
        const c = await lakeCounts(s, TABLE);
        return c.postgres >= 6 ? c : false;
      },
      30_000,
      'the batch committed',
    );
    expect(counts).toEqual({ postgres: 6, postgresDistinct: 6, parquet: 6, parquetDistinct: 6 });
    await eventually(
      async () => {
        const info = await s.bus.jsm.consumers.info(s.bus.names.rawStream, s.bus.names.gatekeeperDurable);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      20_000,
      'the raw consumer drained',
    );
  });
});
