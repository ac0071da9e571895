import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawConnection } from '../support/raw-http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const run = promisify(execFile);
const MAX_BODY = 4 * 1024 * 1024;
const TWO_MB = 2 * 1024 * 1024;
const BODY = Buffer.alloc(TWO_MB, 'x');

/** The refusals a client meets with a 2 MB body, each answered before the body is read. */
const KINDS = [
  {
    name: 'wrong content-type',
    status: 415,
    path: '/v1/ingest/edge',
    headers: { 'content-type': 'text/plain' },
  },
  {
    name: 'unknown table',
    status: 404,
    path: '/v1/ingest/nosuch',
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'bad table name',
    status: 404,
    path: '/v1/ingest/Bad-Name',
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'bad tenant header',
    status: 400,
    path: '/v1/ingest/edge',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'BAD TENANT' },
  },
  {
    name: 'unsupported encoding',
    status: 415,
    path: '/v1/ingest/edge',
    headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
  },
] as const;

describe('every refused request gets its answer (contract §4 "readable refusals")', () => {
  let stack: TestStack;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    stack = await startTestStack('edgerefuse', {
      roles: ['api'],
      env: { CHAINLAKE_MAX_BODY_BYTES: String(MAX_BODY) },
    });
    url = stack.running.url!;
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'edge' } })).status).toBe(201);
    dir = await mkdtemp(join(tmpdir(), 'chainlake-edge-'));
    await writeFile(join(dir, 'two-mb'), BODY);
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('with fetch (keep-alive): 200 refused 2 MB requests and a 413 all answered, and every follow-up too', async () => {
    let networkErrors = 0;
    let answered = 0;
    const tries = 200;
    for (let i = 0; i < tries; i++) {
      const kind = KINDS[i % KINDS.length]!;
      try {
        const res = await fetch(url + kind.path, { method: 'POST', headers: kind.headers, body: BODY });
        expect(res.status, kind.name).toBe(kind.status);
        expect(((await res.json()) as { status: number }).status).toBe(kind.status);
        answered++;
        const next = await fetch(`${url}/healthz`);
        expect(next.status).toBe(200);
        await next.arrayBuffer();
      } catch (err) {
        if (err instanceof TypeError) networkErrors++;
        else throw err;
      }
    }
    // Over the limit, by Content-Length and chunked: 413 as soon as it is known.
    for (let i = 0; i < 10; i++) {
      const big = await fetch(`${url}/v1/ingest/edge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(MAX_BODY + 1024, 'x'),
      });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { code: string }).code).toBe('batch_too_large');
      const chunked = await fetch(`${url}/v1/ingest/edge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([Buffer.alloc(MAX_BODY + 1024, 'x')]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      await chunked.arrayBuffer();
      answered += 2;
    }
    expect(networkErrors).toBe(0);
    expect(answered).toBe(tries + 20);
    console.log(`fetch: ${answered} refused requests answered, ${networkErrors} network errors`);
  });

  it('on a raw keep-alive socket: the refusal, then the next request on the same connection', async () => {
    for (const kind of KINDS) {
      const conn = await RawConnection.open(url);
      try {
        const head =
          `POST ${kind.path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${TWO_MB}\r\n` +
          Object.entries(kind.headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('') +
          '\r\n';
        conn.write(head);
        conn.write(BODY);
        const refused = await conn.answer();
        expect(refused.status, kind.name).toBe(kind.status);
        expect(refused.headers['content-type']).toMatch(/problem\+json/);
        expect(refused.headers.connection ?? 'keep-alive').toBe('keep-alive');
        conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        expect((await conn.answer()).status).toBe(200);
      } finally {
        conn.destroy();
      }
    }
  });

  it('refuses before 100 Continue, then closes gracefully: the answer is never lost to a reset', async () => {
    const conn = await RawConnection.open(url);
    conn.write(
      `POST /v1/ingest/edge HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${TWO_MB}\r\nExpect: 100-continue\r\n\r\n`,
    );
    const refused = await conn.answer();
    expect(refused.status).toBe(415);
    expect(refused.headers.connection).toBe('close');
    // A client that sends the body anyway still reads the answer and sees a FIN, not a reset.
    conn.write(BODY);
    expect(await conn.closedGracefully()).toBe(true);

    const big = await RawConnection.open(url);
    big.write(
      `POST /v1/ingest/edge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY * 2}\r\nExpect: 100-continue\r\n\r\n`,
    );
    const tooBig = await big.answer();
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body.toString()).code).toBe('batch_too_large');
    expect(await big.closedGracefully()).toBe(true);
  });

  it('sends 100 Continue for a request it will read', async () => {
    const conn = await RawConnection.open(url);
    try {
      const body = JSON.stringify({ session_id: 's', events: [] });
      conn.write(
        `POST /v1/ingest/edge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
      expect((await conn.answer()).status).toBe(100);
      conn.write(body);
      expect((await conn.answer()).status).toBe(400);
    } finally {
      conn.destroy();
    }
  });

  it('with curl (Expect: 100-continue for large bodies): every refusal and the follow-up on the same connection', async () => {
    let answered = 0;
    for (let i = 0; i < 20; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const headers = Object.entries(kind.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
      const { stdout } = await run(
        'curl',
        [
          '-sS',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}\\n',
          '-X',
          'POST',
          ...headers,
          '--data-binary',
          `@${join(dir, 'two-mb')}`,
          url + kind.path,
          '--next',
          '-sS',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}\\n',
          `${url}/healthz`,
        ],
        { timeout: 20_000 },
      );
      expect(stdout.trim().split('\n'), kind.name).toEqual([String(kind.status), '200']);
      answered++;
    }
    expect(answered).toBe(20);
  });
});
