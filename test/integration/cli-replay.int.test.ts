import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { cliEnv, runCli } from '../support/run-cli.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const TABLE = 'agent_events';
let stack: TestStack;
let dir: string;

const cli = (args: string[]) => runCli(args, cliEnv(stack.config));

const replay = (session: string, ...more: string[]) =>
  cli(['replay', '--tenant', 'default', '--table', TABLE, '--session', session, ...more]);

async function ingest(session: string, count: number, sizes: number[], wait = true) {
  const chain = makeTestChain(TABLE, session, count);
  let at = 0;
  for (const size of sizes) {
    const query = wait ? '?wait_for_visibility=true&timeout_ms=15000' : '';
    const res = await stack.request(`/v1/ingest/${TABLE}${query}`, {
      method: 'POST',
      json: { session_id: session, events: chain.slice(at, (at += size)) },
    });
    expect(res.status).toBe(wait ? 200 : 202);
  }
}

beforeAll(async () => {
  stack = await startTestStack('clireplay', { roles: ['api', 'committer'] });
  dir = await mkdtemp(join(tmpdir(), 'chainlake-cli-'));
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  await ingest('cli', 12, [5, 5, 2]);
  await writeFile(join(dir, 'keys.json'), await (await stack.request('/v1/keys')).text());
});
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('chainlake replay', () => {
  it('prints the same NDJSON as the API, and --from nats prints it byte for byte too', async () => {
    const api = await stack.request(`/v1/tables/${TABLE}/sessions/cli/events`, {
      headers: { accept: 'application/x-ndjson' },
    });
    const expected = await api.text();
    const [db, nats] = await Promise.all([replay('cli', '--from', 'db'), replay('cli', '--from', 'nats')]);
    expect(db).toMatchObject({ code: 0, stdout: expected });
    expect(nats).toMatchObject({ code: 0, stdout: expected });
    expect(expected.trim().split('\n')).toHaveLength(15);

    const [dbAfter, natsAfter] = await Promise.all([
      replay('cli', '--after-seq', '4'),
      replay('cli', '--after-seq', '4', '--from', 'nats'),
    ]);
    expect(dbAfter.code).toBe(0);
    expect(natsAfter.stdout).toBe(dbAfter.stdout);
    expect(
      dbAfter.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([5, 5, 6, 7, 8, 9, 10, 10, 11, 12, 12]);
  });

  it('reads the log with --from nats before anything is committed as well', async () => {
    await ingest('cli-fresh', 4, [2, 2], false);
    const out = await replay('cli-fresh', '--from', 'nats');
    expect(out.code).toBe(0);
    expect(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).kind),
    ).toEqual(['event', 'event', 'seal', 'event', 'event', 'seal']);
  });

  it('exits 2 for an unknown session or a bad argument', async () => {
    const unknown = await replay('no-such-session');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no-such-session/);
    expect((await replay('cli', '--after-seq', '-3')).code).toBe(2);
  });
});

describe('chainlake verify', () => {
  it('exits 0 for an intact replay and 1 for an altered one, naming the seq', async () => {
    const file = join(dir, 'cli.ndjson');
    await writeFile(file, (await replay('cli')).stdout);
    const ok = await cli(['verify', file, '--keys', join(dir, 'keys.json')]);
    expect(ok).toMatchObject({ code: 0, stdout: 'valid: 12 events, 3 seals\n' });

    const lines = (await replay('cli')).stdout.split('\n');
    lines[2] = lines[2]!.replace('"event 3"', '"event 3!"');
    await writeFile(file, lines.join('\n'));
    const bad = await cli(['verify', file, '--keys', join(dir, 'keys.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^seq 3\thash_mismatch\t/m);
    expect(bad.stdout).toMatch(/^INVALID \(1 problems\): 12 events, 3 seals$/m);
  });

  it('exits 2 on usage and input errors', async () => {
    const keys = join(dir, 'keys.json');
    await writeFile(
      join(dir, 'bad-keys.json'),
      '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AA","kid":"k"}]}',
    );
    const runs = await Promise.all([
      cli(['verify', join(dir, 'cli.ndjson')]),
      cli(['verify', join(dir, 'missing.ndjson'), '--keys', keys]),
      cli(['verify', join(dir, 'cli.ndjson'), '--keys', join(dir, 'bad-keys.json')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
  });
});
