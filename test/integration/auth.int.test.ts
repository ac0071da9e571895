import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { createApiKey, revokeApiKey, type Role } from '../../src/tenancy/index.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const TENANT = 'acme';
const OTHER = 'globex';
const TABLE = 'acme_events';

let stack: TestStack;
let adminKey: string;
let token: string;
let counter = 0;
const unique = (p: string) => `${p}_${++counter}`;

const keyFor = async (tenant: string, roles: Role[]) =>
  (await createApiKey(stack.running.services.db, { tenant, roles })).key;

const send = (
  path: string,
  headers: Record<string, string>,
  init: { method?: string; json?: unknown } = {},
) => stack.request(path, { method: init.method ?? 'GET', json: init.json, headers });

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** An endpoint of the matrix: the role it needs, whether it is a resource of the tenant, its success status. */
interface Endpoint {
  name: string;
  role: Role;
  scoped: boolean;
  ok: number;
  call(headers: Record<string, string>): Promise<Response>;
}

const endpoints: Endpoint[] = [
  {
    name: 'POST /v1/ingest/{table}',
    role: 'ingest_writer',
    scoped: true,
    ok: 202,
    call: (h) => {
      const session = unique('s');
      return send(`/v1/ingest/${TABLE}`, h, {
        method: 'POST',
        json: { session_id: session, events: makeTestChain(TABLE, session, 1) },
      });
    },
  },
  {
    name: 'POST /v1/tables',
    role: 'admin',
    scoped: false,
    ok: 201,
    call: (h) => send('/v1/tables', h, { method: 'POST', json: { name: unique('made') } }),
  },
  { name: 'GET /v1/tables', role: 'reader', scoped: false, ok: 200, call: (h) => send('/v1/tables', h) },
  {
    name: 'GET /v1/tables/{table}',
    role: 'reader',
    scoped: true,
    ok: 200,
    call: (h) => send(`/v1/tables/${TABLE}`, h),
  },
  {
    name: 'DELETE /v1/tables/{table}',
    role: 'admin',
    scoped: true,
    ok: 204,
    call: async (h) => {
      const name = unique('doomed');
      const made = await send('/v1/tables', bearer(adminKey), { method: 'POST', json: { name } });
      expect(made.status).toBe(201);
      const res = await send(`/v1/tables/${name}`, h, { method: 'DELETE' });
      // Whoever was refused, the table is still there.
      const still = await send(`/v1/tables/${name}`, bearer(adminKey));
      expect(still.status).toBe(res.status === 204 ? 404 : 200);
      return res;
    },
  },
  {
    name: 'GET session',
    role: 'reader',
    scoped: true,
    ok: 200,
    call: (h) => send(`/v1/tables/${TABLE}/sessions/s-known`, h),
  },
  {
    name: 'GET watermark',
    role: 'reader',
    scoped: true,
    ok: 200,
    call: (h) => send(`/v1/tables/${TABLE}/watermark`, h),
  },
  {
    name: 'GET snapshots',
    role: 'reader',
    scoped: true,
    ok: 200,
    call: (h) => send(`/v1/tables/${TABLE}/snapshots`, h),
  },
  {
    name: 'GET visibility',
    role: 'reader',
    // Tokens name positions in the shared log, not resources of a tenant: any well-formed one answers.
    scoped: false,
    ok: 200,
    call: (h) => send(`/v1/visibility/${token}`, h),
  },
];

interface Caller {
  name: string;
  headers(): Promise<Record<string, string>>;
  expected(e: Endpoint): number;
}

const refused = (status: number) => () => status;
const withRole = (role: Role) => (e: Endpoint) => (e.role === role ? e.ok : 403);

const callers: Caller[] = [
  { name: 'no key', headers: async () => ({}), expected: refused(401) },
  {
    name: 'a malformed header',
    headers: async () => ({ authorization: `Basic ${adminKey}` }),
    expected: refused(401),
  },
  { name: 'an unknown key', headers: async () => bearer('ck_' + 'x'.repeat(43)), expected: refused(401) },
  {
    name: 'a revoked key',
    headers: async () => {
      const created = await createApiKey(stack.running.services.db, { tenant: TENANT, roles: ['admin'] });
      // Used once, so the revoke must also end a cached authentication.
      expect((await send('/v1/tables', bearer(created.key))).status).toBe(200);
      expect(await revokeApiKey(stack.running.services.db, created.id)).toBe(true);
      return bearer(created.key);
    },
    expected: refused(401),
  },
  {
    name: 'an ingest_writer key',
    headers: async () => bearer(await keyFor(TENANT, ['ingest_writer'])),
    expected: withRole('ingest_writer'),
  },
  {
    name: 'a reader key',
    headers: async () => bearer(await keyFor(TENANT, ['reader'])),
    expected: withRole('reader'),
  },
  { name: 'an admin key', headers: async () => bearer(adminKey), expected: (e) => e.ok },
  {
    name: "another tenant's admin key",
    headers: async () => bearer(await keyFor(OTHER, ['admin'])),
    expected: (e) => (e.scoped ? 404 : e.ok),
  },
  {
    name: 'X-Tenant-ID of another tenant',
    headers: async () => ({ ...bearer(adminKey), 'x-tenant-id': OTHER }),
    expected: refused(403),
  },
  {
    name: 'X-Tenant-ID of its own tenant',
    headers: async () => ({ ...bearer(adminKey), 'x-tenant-id': TENANT }),
    expected: (e) => e.ok,
  },
];

beforeAll(async () => {
  stack = await startTestStack('auth', { auth: true, roles: ['api'] });
  adminKey = await keyFor(TENANT, ['admin']);
  const made = await send('/v1/tables', bearer(adminKey), { method: 'POST', json: { name: TABLE } });
  expect(made.status).toBe(201);
  const ingested = await send(`/v1/ingest/${TABLE}`, bearer(adminKey), {
    method: 'POST',
    json: { session_id: 's-known', events: makeTestChain(TABLE, 's-known', 2) },
  });
  expect(ingested.status).toBe(202);
  token = ((await ingested.json()) as Json).visibility_token;
});
afterAll(() => stack?.stop());

describe('the auth matrix (contract §4)', () => {
  for (const caller of callers) {
    describe(`with ${caller.name}`, () => {
      for (const endpoint of endpoints) {
        const status = caller.expected(endpoint);
        it(`${endpoint.name} answers ${status}`, async () => {
          const res = await endpoint.call(await caller.headers());
          const text = await res.text();
          expect(res.status, text.slice(0, 300)).toBe(status);
          if (status >= 400) {
            expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            const problem = JSON.parse(text) as Json;
            expect(problem.status).toBe(status);
            const codes: Record<number, string[]> = {
              401: ['unauthorized'],
              403: ['forbidden'],
              404: ['table_not_found', 'session_not_found'],
            };
            expect(codes[status]).toContain(problem.code);
          }
        });
      }
    });
  }
});

describe('authentication details', () => {
  it('refuses every malformed Authorization header with 401', async () => {
    for (const authorization of [
      '',
      'Bearer',
      'Bearer ',
      adminKey,
      `Token ${adminKey}`,
      `Bearer ${adminKey} extra`,
      `Bearer ${adminKey.slice(3)}`,
      `Bearer ${'ck_' + 'y'.repeat(5000)}`,
    ]) {
      const res = await send('/v1/tables', { authorization });
      expect(res.status, authorization.slice(0, 40)).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it("lists only the caller's own tables, and another tenant may create a table of the same name", async () => {
    const other = await keyFor('initech', ['admin']);
    const created = await send('/v1/tables', bearer(other), { method: 'POST', json: { name: TABLE } });
    expect(created.status).toBe(201);
    const mine = (await (await send('/v1/tables', bearer(adminKey))).json()) as Json;
    const theirs = (await (await send('/v1/tables', bearer(other))).json()) as Json;
    expect(mine.tables.map((t: Json) => t.name)).toContain(TABLE);
    expect(theirs.tables.map((t: Json) => t.name)).toEqual([TABLE]);
    // Their table of that name is theirs: no session of ours is visible through it.
    const session = await send(`/v1/tables/${TABLE}/sessions/s-known`, bearer(other));
    expect(session.status).toBe(404);
  });

  it('authenticates before routing under /v1: an unknown path is 401 without a key, 404 with one', async () => {
    expect((await send('/v1/nope', {})).status).toBe(401);
    const res = await send('/v1/nope', bearer(adminKey));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers 404 for watermarks and snapshots of a table the tenant never had, 403 first without the role', async () => {
    const reader = await keyFor(TENANT, ['reader']);
    const writer = await keyFor(TENANT, ['ingest_writer']);
    for (const path of [
      '/v1/tables/never/watermark',
      '/v1/tables/never/snapshots',
      '/v1/tables/never/snapshots/1',
    ]) {
      const res = await send(path, bearer(reader));
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as Json).code).toBe('table_not_found');
      expect((await send(path, bearer(writer))).status, path).toBe(403);
    }
  });

  it('answers the unauthenticated endpoints without a key', async () => {
    for (const path of ['/healthz', '/readyz', '/v1/keys', '/metrics']) {
      const variants: Record<string, string>[] = [{}, { authorization: 'Bearer ck_nonsense' }];
      for (const headers of variants) {
        const res = await send(path, headers);
        expect(res.status, path).not.toBe(401);
        expect(res.status, path).not.toBe(403);
        if (path !== '/metrics') expect(res.status, path).toBe(200);
      }
    }
  });
});

describe('the first start with auth on', () => {
  let fresh: TestStack;
  beforeAll(async () => {
    fresh = await startTestStack('authboot', { auth: true, roles: ['api'] });
  });
  afterAll(() => fresh?.stop());

  it('creates exactly one admin key for tenant default, which works, and no other on restart', async () => {
    const key = fresh.running.bootstrapKey;
    expect(key).toMatch(/^ck_/);
    expect(await fresh.rowCount('api_keys')).toBe(1);
    const [row] = await fresh.running.services.db.sql<
      { tenant: string; roles: string[]; key_hash: string }[]
    >`
      select tenant, roles, key_hash from api_keys`;
    expect(row).toMatchObject({ tenant: 'default', roles: ['admin'] });
    expect(row!.key_hash).not.toContain(key!);

    const h = { authorization: `Bearer ${key}` };
    const made = await fresh.request('/v1/tables', { method: 'POST', json: { name: 'boot' }, headers: h });
    expect(made.status).toBe(201);
    const listed = await fresh.request('/v1/tables', { headers: { ...h, 'x-tenant-id': 'default' } });
    expect(listed.status).toBe(200);

    await fresh.restart();
    expect(fresh.running.bootstrapKey).toBeUndefined();
    expect(await fresh.rowCount('api_keys')).toBe(1);
    expect((await fresh.request('/v1/tables', { headers: h })).status).toBe(200);
  });
});
