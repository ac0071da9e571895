import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('health and keys', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('health', { roles: ['api'] });
  });
  afterAll(() => stack?.stop());

  it('answers /healthz 200', async () => {
    const res = await stack.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 with every check ok', async () => {
    const res = await stack.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      roles: ['api'],
      checks: { nats: 'ok', postgres: 'ok', object_store: 'ok' },
      components: { nats: { status: 'ok' }, postgres: { status: 'ok' }, object_store: { status: 'ok' } },
    });
  });

  it('publishes the seal keys as a JWKS (contract §3), whose kid signs the seals', async () => {
    const res = await stack.request('/v1/keys');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const jwks = (await res.json()) as Json;
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(typeof key.kid).toBe('string');
      expect(key.kid.length).toBeGreaterThan(0);
      expect(key.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.x, 'base64url')).toHaveLength(32);
      // A public key only.
      expect(key.d).toBeUndefined();
    }
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'jwks' } })).status).toBe(201);
    const ingested = await stack.request('/v1/ingest/jwks', {
      method: 'POST',
      json: { session_id: 's', events: makeTestChain('jwks', 's', 1) },
    });
    const { seal } = (await ingested.json()) as Json;
    expect(jwks.keys.map((k: Json) => k.kid)).toContain(seal.key_id);
  });
});

describe('/readyz with a broken object store', () => {
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainlake-health-'));
    // A directory cannot be made under a regular file: every object store operation fails.
    await writeFile(join(dir, 'regular-file'), 'not a directory');
    stack = await startTestStack('healthbroken', {
      roles: ['api'],
      env: { OBJECT_STORE: `file://${join(dir, 'regular-file', 'lake')}` },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 naming the failing dependency, quickly', async () => {
    const started = Date.now();
    const res = await stack.request('/readyz');
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Json;
    expect(body.status).toBe('not_ready');
    expect(body.checks.object_store).toMatch(/^failing: /);
    expect(body.checks.nats).toBe('ok');
    expect(body.checks.postgres).toBe('ok');
    // The process itself is alive.
    expect((await stack.request('/healthz')).status).toBe(200);
  });
});
