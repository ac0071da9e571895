import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { runProgram } from '../support/run-program.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const EXAMPLE = fileURLToPath(new URL('../../examples/nats-consumer/replay-session.ts', import.meta.url));
const TABLE = 'consumer_events';
const FINISH_MS = 5_000;

let stack: TestStack;

/** Runs the example as a user would (tsx), killed after `timeoutMs`. */
async function runExample(session: string, timeoutMs = 15_000) {
  const started = Date.now();
  const args = [
    '--import',
    'tsx',
    EXAMPLE,
    '--prefix',
    stack.config.prefix,
    '--table',
    TABLE,
    '--session',
    session,
  ];
  const run = await runProgram(
    process.execPath,
    [...args, '--nats', stack.config.natsUrl, '--idle-ms', '3000'],
    {
      timeoutMs,
      what: 'the example (it hung)',
    },
  );
  return { ...run, ms: Date.now() - started };
}

/** How long tsx alone takes to start and stop here, so the timing checks measure the consumer. */
let baselineMs = 0;

beforeAll(async () => {
  stack = await startTestStack('natsconsumer');
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  const ingest = async (session: string, events: unknown[], wait = false) => {
    const path = `/v1/ingest/${TABLE}${wait ? '?wait_for_visibility=true' : ''}`;
    const res = await stack.request(path, { method: 'POST', json: { session_id: session, events } });
    expect(res.status).toBe(wait ? 200 : 202);
  };
  const chain = makeTestChain(TABLE, 'three', 9);
  const other = makeTestChain(TABLE, 'other', 4);
  await ingest('three', chain.slice(0, 3));
  await ingest('other', other.slice(0, 2)); // interleaved: the consumer must filter by subject
  await ingest('three', chain.slice(3, 7));
  await ingest('three', chain.slice(7));
  await ingest('other', other.slice(2), true); // the watermark is a prefix: all of it is committed
  const t0 = Date.now();
  await runProgram(process.execPath, ['--import', 'tsx', '-e', '0'], {
    timeoutMs: 15_000,
    what: 'tsx alone',
  });
  baselineMs = Date.now() - t0;
});
afterAll(() => stack?.stop());

describe('examples/nats-consumer/replay-session.ts', () => {
  it('replays a session of 3 batches from the log and stops at its end', async () => {
    const run = await runExample('three');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((r) => `${r.kind}:${r.seq}`)).toEqual([
      ...[1, 2, 3].map((s) => `event:${s}`),
      'seal:3',
      ...[4, 5, 6, 7].map((s) => `event:${s}`),
      'seal:7',
      ...[8, 9].map((s) => `event:${s}`),
      'seal:9',
    ]);
    expect(lines.every((r) => r.kind === 'event' || r.session_id === 'three')).toBe(true);
    expect(run.stderr).toMatch(/: 3 batches, 12 records \(up to stream seq \d+\)/);
    expect(run.ms - baselineMs).toBeLessThan(FINISH_MS);

    // The same events and seals, byte for byte in their hashes, as the API's replay of the session.
    const page = (await (await stack.request(`/v1/tables/${TABLE}/sessions/three/events`)).json()) as Json;
    const hashes = (rs: Json[]) => rs.map((r) => `${r.kind}:${r.seq}:${r.hash}`);
    expect(hashes(lines)).toEqual(hashes(page.events));
  });

  it('finishes at once for a session with no messages', async () => {
    const run = await runExample('never_written');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/: 0 batches, 0 records \(no messages\)/);
    expect(run.ms - baselineMs).toBeLessThan(FINISH_MS);
  });
});
