import { spawn } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { createLog, type LogLevel } from '../../src/log.js';
import { createApiKey, listApiKeys, type Role } from '../../src/tenancy/index.js';
import { connectBus } from '../../src/bus/index.js';
import { eventually } from '../support/lake-check.js';
import { createTestDatabase } from '../support/test-db.js';
import { uniquePrefix } from '../support/test-prefix.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// The security properties of docs/security.md, each checked against a running stack. What
// auth.int.test.ts (the role/tenant matrix) and ingest-faults.int.test.ts (default limits) cover is
// not repeated here.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TABLE = 'sec_events';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function chainWith(
  table: string,
  session: string,
  payloads: Record<string, unknown>[],
  from = { seq: 0, hash: GENESIS_HASH },
) {
  let prev = from;
  return payloads.map((payload, i) => {
    const ev = {
      seq: from.seq + i + 1,
      type: 'sec.test',
      ts: '2026-01-30T12:00:00Z',
      payload,
      prev_hash: prev.hash,
    };
    const full: ClientEvent = { ...ev, hash: hashEvent(table, session, ev) };
    prev = full;
    return full;
  });
}

describe('API keys and the seal key at rest', () => {
  let stack: TestStack;
  const keys: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack('seckeys', { auth: true, roles: ['api'] });
    keys.push(stack.running.bootstrapKey!);
    for (const [tenant, roles] of [
      ['acme', ['admin']],
      ['acme', ['reader']],
      ['globex', ['ingest_writer', 'reader']],
    ] as const) {
      keys.push((await createApiKey(stack.running.services.db, { tenant, roles: [...roles] as Role[] })).key);
    }
  });
  afterAll(() => stack?.stop());

  it('stores each API key only as the SHA-256 hex of the key: no column of api_keys holds a key', async () => {
    const rows = await stack.running.services.db.sql<{ row: string; key_hash: string }[]>`
      select row_to_json(k)::text as row, key_hash from api_keys k`;
    expect(rows).toHaveLength(keys.length);
    expect(rows.map((r) => r.key_hash).sort()).toEqual(keys.map(sha256).sort());
    for (const r of rows) expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const everything = rows.map((r) => r.row).join('\n');
    for (const key of keys) {
      expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
      // Neither the key nor its random part, in any encoding the row could hold.
      const secret = key.slice(3);
      for (const form of [key, secret, Buffer.from(secret, 'base64url').toString('hex')]) {
        expect(everything).not.toContain(form);
      }
    }
    // Listing keys shows neither the secret nor its hash.
    const listed = JSON.stringify(await listApiKeys(stack.running.services.db));
    for (const key of keys) {
      expect(listed).not.toContain(key);
      expect(listed).not.toContain(sha256(key));
    }
  });

  it('refuses a key that differs from a live one in a single character, anywhere', async () => {
    const key = keys[1]!;
    expect((await stack.request('/v1/tables', { headers: bearer(key) })).status).toBe(200);
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    const variants = [3, 4, 20, key.length - 2, key.length - 1].map(
      (i) => key.slice(0, i) + flip(key[i]!) + key.slice(i + 1),
    );
    variants.push(key.slice(0, -1), `${key}A`, key.toUpperCase(), key.replace('ck_', 'CK_'));
    for (const v of variants) {
      const res = await stack.request('/v1/tables', { headers: bearer(v) });
      expect(res.status, v).toBe(401);
      expect(((await res.json()) as Json).code).toBe('unauthorized');
    }
  });

  it('keeps the seal private key in a 0600 file inside a 0700 directory, and publishes only public keys', async () => {
    const dir = stack.config.keysDir;
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = await readdir(dir);
    const pems = files.filter((f) => /^seal-.+\.pem$/.test(f));
    expect(pems.length).toBeGreaterThanOrEqual(1);
    for (const f of [...pems, 'keyring.json']) expect((await stat(join(dir, f))).mode & 0o777, f).toBe(0o600);
    const jwks = (await (await stack.request('/v1/keys')).json()) as Json;
    for (const jwk of jwks.keys) {
      // Only public members (RFC 8037): never `d`, the private key.
      for (const member of Object.keys(jwk))
        expect(['alg', 'crv', 'kid', 'kty', 'use', 'x']).toContain(member);
    }
  });
});

describe('what reaches the log', () => {
  for (const level of ['info', 'debug'] as const satisfies readonly LogLevel[]) {
    describe(`at LOG_LEVEL=${level}`, () => {
      let stack: TestStack;
      const lines: string[] = [];

      beforeAll(async () => {
        stack = await startTestStack(`seclog${level}`, {
          auth: true,
          roles: ['api', 'committer', 'gatekeeper'],
          env: { LOG_LEVEL: level },
          start: { log: createLog(level, (line) => lines.push(line)) },
        });
      });
      afterAll(() => stack?.stop());

      it('never holds the seal private key, an API key, or event payload strings', async () => {
        const db = stack.running.services.db;
        const admin = (await createApiKey(db, { tenant: 'default', roles: ['admin'] })).key;
        const apiKeys = [stack.running.bootstrapKey!, admin];
        const h = bearer(admin);
        expect(
          (await stack.request('/v1/tables', { method: 'POST', headers: h, json: { name: TABLE } })).status,
        ).toBe(201);

        const marker = `PAYLOAD-SECRET-${level}-7f3a`;
        const chain = chainWith(TABLE, 's-log', [{ text: marker }, { nested: { deep: [marker] } }, { n: 1 }]);
        const post = (json: unknown, headers: Record<string, string> = h) =>
          stack.request(`/v1/ingest/${TABLE}`, { method: 'POST', headers, json });
        expect((await post({ session_id: 's-log', events: chain.slice(0, 2) })).status).toBe(202);
        expect((await post({ session_id: 's-log', events: chain.slice(2) })).status).toBe(202);
        // Refusals of every kind, each carrying the marker.
        const tampered = chain.slice(2).map((e) => ({ ...e, payload: { text: marker } }));
        expect((await post({ session_id: 's-log', events: tampered })).status).toBe(400);
        expect(
          (await post({ session_id: 's-log', events: chain.slice(0, 1).map((e) => ({ ...e, seq: 9 })) }))
            .status,
        ).toBe(400);
        const wrongKey = `ck_${'Z'.repeat(43)}`;
        apiKeys.push(wrongKey);
        expect((await post({ session_id: 's-log', events: chain }, bearer(wrongKey))).status).toBe(401);
        expect(
          (await stack.request(`/v1/tables/${TABLE}/sessions/s-log/events`, { headers: h })).status,
        ).toBe(200);
        // Raw messages too: malformed JSON, a gap that is retried, a tampered batch.
        const raw = (body: string, id: string) =>
          stack.bus.js.publish(stack.bus.names.raw('default', TABLE), body, { msgID: id });
        await raw(`{"session_id":"s-raw","events":[{"text":"${marker}"`, 'raw-bad-json');
        const rawChain = chainWith(TABLE, 's-raw', [{ text: marker }, { text: marker }, { text: marker }]);
        await raw(JSON.stringify({ session_id: 's-raw', events: rawChain.slice(2) }), 'raw-gap');
        await raw(JSON.stringify({ session_id: 's-raw2', events: tampered }), 'raw-tampered');
        await eventually(
          async () => {
            const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from rejections`;
            return row!.n >= 3;
          },
          30_000,
          'the raw refusals recorded',
        );
        await eventually(
          async () =>
            ((await (await stack.request(`/v1/tables/${TABLE}/watermark`, { headers: h })).json()) as Json)
              .lag?.messages === 0,
          20_000,
          'everything committed',
        );

        const log = lines.join('\n');
        expect(lines.length, 'the capture works: at least "http listening"').toBeGreaterThan(0);
        expect(log).toContain('http listening');
        // Warnings that carry an error's text were written too, and are checked below.
        expect(log).toContain('raw message will be retried');
        const dir = stack.config.keysDir;
        const pemFile = (await readdir(dir)).find((f) => f.endsWith('.pem'))!;
        const pem = await readFile(join(dir, pemFile), 'utf8');
        const seed = createPrivateKey(pem).export({ format: 'jwk' }).d!;
        const secrets = [
          ...pem.split('\n').filter((l) => l.length > 20),
          seed,
          Buffer.from(seed, 'base64url').toString('hex'),
          Buffer.from(seed, 'base64url').toString('base64'),
          ...apiKeys,
          ...apiKeys.map((k) => k.slice(3)),
          marker,
        ];
        for (const s of secrets) expect(log, `the log holds ${s.slice(0, 12)}…`).not.toContain(s);
      });
    });
  }
});

describe('`chainlake serve` on a fresh install with auth on', () => {
  it('prints the first admin key once on stdout and never writes it, or the seal key, to the log', async () => {
    const database = await createTestDatabase('secserve');
    const dir = await mkdtemp(join(tmpdir(), 'chainlake-secserve-'));
    const prefix = uniquePrefix('secserve');
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const env = {
      ...process.env,
      NATS_URL: natsUrl,
      DATABASE_URL: database.url,
      CHAINLAKE_PREFIX: prefix,
      CHAINLAKE_AUTH: 'on',
      OBJECT_STORE: `file://${join(dir, 'lake')}`,
      CHAINLAKE_KEYS_DIR: join(dir, 'keys'),
      PORT: '0',
      LOG_LEVEL: 'debug',
    };
    const bin = fileURLToPath(new URL('../../bin/chainlake.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'serve', '--roles', 'api'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await eventually(
        async () => /\nck_\S+\n/.test(stdout) && stderr.includes('http listening'),
        30_000,
        'serve started',
      );
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      const key = /\n(ck_\S+)\n/.exec(stdout)![1]!;
      expect(stdout.split(key)).toHaveLength(2);
      expect(stderr).not.toContain(key);
      expect(stderr).not.toContain(key.slice(3));
      const pemFile = (await readdir(join(dir, 'keys'))).find((f) => f.endsWith('.pem'))!;
      const pem = await readFile(join(dir, 'keys', pemFile), 'utf8');
      for (const line of pem.split('\n').filter((l) => l.length > 20)) {
        expect(stdout + stderr).not.toContain(line);
      }
      // Every log line is one JSON object (nothing printed around the logger).
      for (const line of stderr.split('\n').filter(Boolean))
        expect(() => JSON.parse(line), line).not.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      const bus = await connectBus({ url: natsUrl, prefix, name: 'chainlake-test-cleanup' });
      for (const stream of [bus.names.eventsStream, bus.names.rawStream]) {
        await bus.jsm.streams.delete(stream).catch(() => undefined);
      }
      await bus.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('configured limits', () => {
  let stack: TestStack;
  const LIMITS = { body: 4096, events: 3, payload: 200, depth: 4 };

  beforeAll(async () => {
    stack = await startTestStack('seclimits', {
      roles: ['api'],
      env: {
        CHAINLAKE_MAX_BODY_BYTES: String(LIMITS.body),
        CHAINLAKE_MAX_EVENTS: String(LIMITS.events),
        CHAINLAKE_MAX_PAYLOAD_BYTES: String(LIMITS.payload),
        CHAINLAKE_MAX_DEPTH: String(LIMITS.depth),
      },
    });
    expect((await stack.request('/v1/tables', { method: 'POST', json: { name: TABLE } })).status).toBe(201);
  });
  afterAll(() => stack?.stop());

  const ingest = (json: unknown) => stack.request(`/v1/ingest/${TABLE}`, { method: 'POST', json });
  const nested = (depth: number): Record<string, unknown> => (depth <= 1 ? {} : { d: nested(depth - 1) });

  it('answers the configured values, not the defaults, each naming its limit', async () => {
    const four = await ingest({
      session_id: 'l-events',
      events: makeTestChain(TABLE, 'l-events', LIMITS.events + 1),
    });
    expect(four.status).toBe(413);
    expect(((await four.json()) as Json).detail).toMatch(/at most 3 events/);
    expect(
      (await ingest({ session_id: 'l-events', events: makeTestChain(TABLE, 'l-events', LIMITS.events) }))
        .status,
    ).toBe(202);

    // {"t":"…"} is the text plus 8 bytes.
    const atLimit = chainWith(TABLE, 'l-size', [{ t: 'x'.repeat(LIMITS.payload - 8) }]);
    expect((await ingest({ session_id: 'l-size', events: atLimit })).status).toBe(202);
    const over = await ingest({
      session_id: 'l-size2',
      events: chainWith(TABLE, 'l-size2', [{ t: 'x'.repeat(LIMITS.payload - 7) }]),
    });
    expect(over.status).toBe(400);
    expect(((await over.json()) as Json).errors[0].message).toMatch(/limit is 200/);

    expect(
      (await ingest({ session_id: 'l-depth', events: chainWith(TABLE, 'l-depth', [nested(LIMITS.depth)]) }))
        .status,
    ).toBe(202);
    const deep = await ingest({
      session_id: 'l-depth2',
      events: chainWith(TABLE, 'l-depth2', [nested(LIMITS.depth + 1)]),
    });
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as Json).errors[0].message).toMatch(/depth exceeds 4/);
  });

  it('limits the body of every route, not only ingest', async () => {
    const big = JSON.stringify({ name: 'x', description: 'd'.repeat(LIMITS.body) });
    const res = await stack.request('/v1/tables', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Json).detail).toContain(String(LIMITS.body));
  });

  it('answers 413 over real HTTP whether the body is sized by Content-Length or chunked', async () => {
    const url = `${stack.running.url}/v1/ingest/${TABLE}`;
    const body = `{"session_id":"l-http","events":[],"pad":"${'x'.repeat(LIMITS.body)}"}`;
    const sized = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(sized.status).toBe(413);
    expect(((await sized.json()) as Json).code).toBe('batch_too_large');
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("answers 431 from Node's HTTP parser for headers or a request line beyond 16 KiB, before the app", async () => {
    const { hostname, port } = new URL(stack.running.url!);
    const send = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect({ host: hostname, port: Number(port) });
        let answer = '';
        socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
        socket.on('data', (d) => (answer += d.toString('latin1')));
        socket.on('end', () => resolve(answer));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
        socket.write(request);
      });
    const big = 'x'.repeat(17 * 1024);
    const headerAnswer = await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`);
    expect(headerAnswer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    const lineAnswer = await send(`GET /v1/tables/${big} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(lineAnswer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    // A normal request on a new connection still works.
    expect((await fetch(`${stack.running.url}/healthz`)).status).toBe(200);
  });
});

describe('tenant isolation beyond the auth matrix', () => {
  let stack: TestStack;
  let a: string; // admin of acme
  let aReader: string;
  let b: string; // admin of globex, which has a table of the same name
  const chain = makeTestChain(TABLE, 's-a', 6);
  let tokenA = '';
  let snapshotA = 0;

  beforeAll(async () => {
    stack = await startTestStack('sectenant', { auth: true, roles: ['api', 'committer'] });
    const db = stack.running.services.db;
    a = (await createApiKey(db, { tenant: 'acme', roles: ['admin'] })).key;
    aReader = (await createApiKey(db, { tenant: 'acme', roles: ['reader'] })).key;
    b = (await createApiKey(db, { tenant: 'globex', roles: ['admin'] })).key;
    for (const key of [a, b]) {
      const made = await stack.request('/v1/tables', {
        method: 'POST',
        headers: bearer(key),
        json: { name: TABLE },
      });
      expect(made.status).toBe(201);
    }
    for (const [from, to, k] of [
      [0, 3, 'k-a1'],
      [3, 6, 'k-a2'],
    ] as const) {
      const res = await stack.request(`/v1/ingest/${TABLE}`, {
        method: 'POST',
        headers: bearer(a),
        json: { session_id: 's-a', idempotency_key: k, events: chain.slice(from, to) },
      });
      expect(res.status).toBe(202);
      tokenA = ((await res.json()) as Json).visibility_token;
    }
    await eventually(
      async () =>
        ((await (await stack.request(`/v1/visibility/${tokenA}`, { headers: bearer(a) })).json()) as Json)
          .visible,
      20_000,
      "acme's batches committed",
    );
    const list = (await (
      await stack.request(`/v1/tables/${TABLE}/snapshots`, { headers: bearer(a) })
    ).json()) as Json;
    snapshotA = list.snapshots[0].snapshot_id;
    // A rejection of acme's (as the gatekeeper records one for a refused raw message).
    await db.sql`insert into rejections (tenant, table_name, session_id, code, detail, msg_id)
                 values ('acme', ${TABLE}, 's-a', 'hash_mismatch', 'acme-only detail', 'acme-msg')`;
  });
  afterAll(() => stack?.stop());

  const get = (path: string, key: string, headers: Record<string, string> = {}) =>
    stack.request(path, { headers: { ...bearer(key), ...headers } });

  it("never shows another tenant's session through replay, NDJSON replay, verify or verify?source=lake", async () => {
    for (const [path, accept] of [
      [`/v1/tables/${TABLE}/sessions/s-a/events`, undefined],
      [`/v1/tables/${TABLE}/sessions/s-a/events?after_seq=0&limit=10`, 'application/x-ndjson'],
      [`/v1/tables/${TABLE}/sessions/s-a/verify`, undefined],
      [`/v1/tables/${TABLE}/sessions/s-a/verify?source=lake`, undefined],
      [`/v1/tables/${TABLE}/sessions/s-a`, undefined],
    ] as const) {
      const mine = await get(path, aReader, accept ? { accept } : {});
      expect(mine.status, path).toBe(200);
      const theirs = await get(path, b, accept ? { accept } : {});
      expect(theirs.status, path).toBe(404);
      const text = await theirs.text();
      expect(JSON.parse(text).code).toBe('session_not_found');
      for (const ev of chain) expect(text).not.toContain(ev.hash);
    }
  });

  it("never shows another tenant's snapshots, files or rejections", async () => {
    const theirs = (await (await get(`/v1/tables/${TABLE}/snapshots`, b)).json()) as Json;
    expect(theirs.snapshots).toEqual([]);
    const one = await get(`/v1/tables/${TABLE}/snapshots/${snapshotA}`, b);
    expect(one.status).toBe(404);
    expect(((await one.json()) as Json).code).toBe('snapshot_not_found');
    expect((await get(`/v1/tables/${TABLE}/snapshots/${snapshotA}`, aReader)).status).toBe(200);

    const mine = (await (await get('/v1/rejections', aReader)).json()) as Json;
    expect(mine.rejections.map((r: Json) => r.msg_id)).toContain('acme-msg');
    for (const q of ['', `?table=${TABLE}`]) {
      const res = await get(`/v1/rejections${q}`, b);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(JSON.parse(text).rejections).toEqual([]);
      expect(text).not.toContain('acme');
    }
  });

  it("cannot append to, fork or replay into another tenant's chain: the same names are its own", async () => {
    const before = await get(`/v1/tables/${TABLE}/sessions/s-a/events`, aReader);
    const beforeText = await before.text();
    const post = (json: unknown) =>
      stack.request(`/v1/ingest/${TABLE}`, { method: 'POST', headers: bearer(b), json });

    // Continuing acme's head from globex: globex has no such session, so it is a gap.
    const next = makeTestChain(TABLE, 's-a', 2, { seq: 6, hash: chain[5]!.hash });
    const gap = await post({ session_id: 's-a', events: next });
    expect(gap.status).toBe(409);
    expect(await gap.json()).toMatchObject({ code: 'sequence_gap', expected_seq: 1, head: null });
    // acme's idempotency key means nothing to globex: other events under it are not "reused".
    const keyed = await post({
      session_id: 's-b',
      idempotency_key: 'k-a1',
      events: makeTestChain(TABLE, 's-b', 1),
    });
    expect(keyed.status).toBe(202);
    // Replaying acme's exact events makes globex's own session, sealed for globex.
    const copy = await post({ session_id: 's-a', events: chain.slice(0, 3) });
    expect(copy.status).toBe(202);
    const copied = (await copy.json()) as Json;
    expect(copied.seal.tenant).toBe('globex');
    expect(copied.duplicate_count).toBe(0);

    const after = await get(`/v1/tables/${TABLE}/sessions/s-a/events`, aReader);
    // Nothing of acme's changed: the same records (the watermark may have moved).
    expect((JSON.parse(await after.text()) as Json).events).toEqual((JSON.parse(beforeText) as Json).events);
    const info = (await (await get(`/v1/tables/${TABLE}/sessions/s-a`, aReader)).json()) as Json;
    expect(info.accepted_head).toEqual({ seq: 6, hash: chain[5]!.hash });
    const verify = (await (await get(`/v1/tables/${TABLE}/sessions/s-a/verify`, aReader)).json()) as Json;
    expect(verify).toMatchObject({ valid: true, checked_events: 6 });
  });

  it("answers a visibility token of another tenant's batch with nothing but visible and the watermark (by design)", async () => {
    const res = await get(`/v1/visibility/${tokenA}`, b);
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()) as Json).sort()).toEqual(['visible', 'watermark']);
  });
});
