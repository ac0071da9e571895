import http from 'node:http';
import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A GET over node:http, which (unlike fetch) shows the bytes as sent and how many pieces they came in. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; pieces: number }>(
    (resolve, reject) => {
      const req = http.get(url, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(parts),
            pieces: parts.length,
          }),
        );
        res.on('error', reject);
      });
      req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
      req.on('error', reject);
    },
  );
}

describe('compressed bodies and answers (contract §4)', () => {
  let stack: TestStack;
  let url: string;
  const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  beforeAll(async () => {
    stack = await startTestStack('edgeenc');
    url = stack.running.url!;
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'enc' } })).status).toBe(201);
  });
  afterAll(() => stack?.stop());

  it('accepts gzip, deflate and raw deflate request bodies', async () => {
    const events = makeTestChain('enc', 'z', 3);
    const body = (from: number, to: number) =>
      JSON.stringify({ session_id: 'z', events: events.slice(from, to) });
    expect((await post('/v1/ingest/enc', gzipSync(body(0, 1)), { 'content-encoding': 'gzip' })).status).toBe(
      202,
    );
    expect(
      (await post('/v1/ingest/enc', deflateSync(body(1, 2)), { 'content-encoding': 'deflate' })).status,
    ).toBe(202);
    expect(
      (await post('/v1/ingest/enc', deflateRawSync(body(2, 3)), { 'content-encoding': 'deflate' })).status,
    ).toBe(202);
    const table = await post('/v1/tables', gzipSync(JSON.stringify({ name: 'enc_gz' })), {
      'content-encoding': 'gzip',
    });
    expect(table.status).toBe(201);
  });

  it('applies the body limit to the decoded bytes: a 70 KB gzip inflating to 64 MiB is 413, and the service stays healthy', async () => {
    const bomb = gzipSync(
      Buffer.concat([
        Buffer.from('{"session_id":"b","events":[],"pad":"'),
        Buffer.alloc(64 * 1024 * 1024, 'a'),
        Buffer.from('"}'),
      ]),
      { level: 9 },
    );
    expect(bomb.length).toBeLessThan(100 * 1024);
    const started = Date.now();
    const res = await post('/v1/ingest/enc', bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    const problem = (await res.json()) as Json;
    expect(problem.code).toBe('batch_too_large');
    expect(problem.detail).toContain(String(stack.config.limits.maxBodyBytes));
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const events = makeTestChain('enc', 'after-bomb', 1);
    expect(
      (await post('/v1/ingest/enc', JSON.stringify({ session_id: 'after-bomb', events }), {})).status,
    ).toBe(202);
  });

  it('answers 415 for another encoding and 400 for a corrupt gzip body', async () => {
    const br = await post('/v1/ingest/enc', 'x', { 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(((await br.json()) as Json).code).toBe('unsupported_media_type');
    const corrupt = await post('/v1/ingest/enc', Buffer.from('this is not gzip'), {
      'content-encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    expect(((await corrupt.json()) as Json).code).toBe('invalid_request');
  });

  it('compresses JSON and streamed NDJSON answers when Accept-Encoding asks, and only then', async () => {
    let prev = { seq: 0, hash: '0'.repeat(64) };
    for (let i = 0; i < 4; i++) {
      const events = makeTestChain('enc', 'big', 500, prev);
      prev = { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash };
      const res = await post(
        '/v1/ingest/enc?wait_for_visibility=true',
        JSON.stringify({ session_id: 'big', events }),
        {},
      );
      expect(res.status).toBe(200);
    }
    const path = `${url}/v1/tables/enc/sessions/big/events`;
    const plain = await rawGet(path, { accept: 'application/x-ndjson' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gz = await rawGet(path, { accept: 'application/x-ndjson', 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['transfer-encoding']).toBe('chunked');
    expect(gz.headers['chainlake-watermark']).toBe(plain.headers['chainlake-watermark']);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    expect(gz.pieces).toBeGreaterThan(1);

    const page = await rawGet(path, { 'accept-encoding': 'gzip, deflate' });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(page.body).toString()).events.length).toBeGreaterThan(0);
  });
});

describe('CORS, opt-in (CHAINLAKE_CORS_ORIGINS)', () => {
  let on: TestStack;
  let off: TestStack;
  beforeAll(async () => {
    on = await startTestStack('edgecors', {
      roles: ['api'],
      env: { CHAINLAKE_CORS_ORIGINS: 'https://app.example, https://other.example' },
    });
    off = await startTestStack('edgenocors', { roles: ['api'] });
  });
  afterAll(async () => {
    await on?.stop();
    await off?.stop();
  });

  it('answers the preflight and names a listed origin; an unlisted origin gets no CORS headers', async () => {
    const preflight = await fetch(`${on.running.url}/v1/ingest/t`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const get = await fetch(`${on.running.url}/v1/tables`, { headers: { origin: 'https://other.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://other.example');
    expect(get.headers.get('access-control-expose-headers')).toContain('Chainlake-Watermark');
    const stranger = await fetch(`${on.running.url}/v1/tables`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers when the variable is unset', async () => {
    const preflight = await fetch(`${off.running.url}/v1/ingest/t`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${off.running.url}/v1/tables`, { headers: { origin: 'https://app.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
