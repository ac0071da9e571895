import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { createDb } from '../../src/db/index.js';
import type { Db } from '../../src/db/index.js';
import {
  authenticateApiKey,
  createApiKey,
  createTable,
  deleteTable,
  devPrincipal,
  ensureBootstrapAdminKey,
  findLiveTable,
  getTable,
  hasRole,
  listApiKeys,
  listTables,
  revokeApiKey,
  ROLES,
} from '../../src/tenancy/index.js';
import type { Principal, Role } from '../../src/tenancy/index.js';
import { createTestDatabase } from '../support/test-db.js';

let t: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
beforeAll(async () => {
  t = await createTestDatabase('tenancy');
  db = t.db;
});
afterAll(async () => {
  await t?.drop();
});

const columns = [
  { name: 'model', type: 'string' as const, required: true },
  { name: 'tokens', type: 'int64' as const, required: false },
];

const principal = (...roles: Role[]): Principal => ({
  tenant: 'acme',
  roles: new Set(roles),
  keyId: 'key_x',
});

describe('roles', () => {
  it('grants exactly the matrix of contract §4: admin includes reader and ingest_writer', () => {
    const cases: [Role[], Record<Role, boolean>][] = [
      [[], { ingest_writer: false, reader: false, admin: false }],
      [['ingest_writer'], { ingest_writer: true, reader: false, admin: false }],
      [['reader'], { ingest_writer: false, reader: true, admin: false }],
      [['ingest_writer', 'reader'], { ingest_writer: true, reader: true, admin: false }],
      [['admin'], { ingest_writer: true, reader: true, admin: true }],
    ];
    for (const [roles, expected] of cases) {
      for (const role of ROLES)
        expect(hasRole(principal(...roles), role), `${roles.join('+')} → ${role}`).toBe(expected[role]);
    }
  });

  it('gives the development principal every role and no key', () => {
    const dev = devPrincipal('t1');
    expect(dev.tenant).toBe('t1');
    expect(dev.keyId).toBeNull();
    for (const role of ROLES) expect(hasRole(dev, role)).toBe(true);
  });
});

describe('API keys', () => {
  it('creates a key that authenticates as its tenant and roles', async () => {
    const created = await createApiKey(db, {
      tenant: 'acme',
      roles: ['ingest_writer', 'reader'],
      label: 'ci',
    });
    expect(created.key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(created.id).toMatch(/^key_[A-Za-z0-9_-]{12}$/);
    const p = await authenticateApiKey(db, created.key);
    expect(p).not.toBeNull();
    expect(p!.tenant).toBe('acme');
    expect(p!.keyId).toBe(created.id);
    expect([...p!.roles].sort()).toEqual(['ingest_writer', 'reader']);
    const [tenant] = await db.sql`select id from tenants where id = 'acme'`;
    expect(tenant).toBeDefined();
  });

  it('refuses unknown, malformed and overlong keys', async () => {
    const { key } = await createApiKey(db, { tenant: 'acme', roles: ['reader'] });
    expect(await authenticateApiKey(db, key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await authenticateApiKey(db, key.slice(3))).toBeNull();
    expect(await authenticateApiKey(db, 'ck_' + 'a'.repeat(300))).toBeNull();
    expect(await authenticateApiKey(db, '')).toBeNull();
  });

  it('stores only a SHA-256 hash, never the key', async () => {
    const { key, id } = await createApiKey(db, { tenant: 'acme', roles: ['admin'] });
    const rows = await db.sql`select * from api_keys where id = ${id}`;
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(3));
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const everything = await db.sql`select string_agg(t::text, '|') as all from api_keys t`;
    expect(String(everything[0]!.all)).not.toContain(key.slice(3));
  });

  it('lists keys without secrets or hashes', async () => {
    const { id } = await createApiKey(db, { tenant: 'listing', roles: ['reader'], label: 'dash' });
    const keys = await listApiKeys(db, 'listing');
    expect(keys).toEqual([
      {
        id,
        tenant: 'listing',
        roles: ['reader'],
        label: 'dash',
        created_at: expect.any(String),
        revoked_at: null,
      },
    ]);
    const all = await listApiKeys(db);
    expect(all.some((k) => k.id === id)).toBe(true);
    for (const k of all)
      expect(Object.keys(k).sort()).toEqual(['created_at', 'id', 'label', 'revoked_at', 'roles', 'tenant']);
  });

  it('stops authenticating a key once revoked, even right after a cached success', async () => {
    const { id, key } = await createApiKey(db, { tenant: 'acme', roles: ['ingest_writer'] });
    expect(await authenticateApiKey(db, key)).not.toBeNull(); // now cached
    expect(await revokeApiKey(db, id)).toBe(true);
    expect(await authenticateApiKey(db, key)).toBeNull();
    expect(await revokeApiKey(db, id)).toBe(false);
    const [listed] = (await listApiKeys(db, 'acme')).filter((k) => k.id === id);
    expect(listed!.revoked_at).not.toBeNull();
  });

  it('refuses an empty or unknown role list', async () => {
    await expect(createApiKey(db, { tenant: 'acme', roles: [] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(createApiKey(db, { tenant: 'acme', roles: ['root' as Role] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(createApiKey(db, { tenant: 'Bad Tenant', roles: ['reader'] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});

describe('bootstrap admin key', () => {
  it('is created once, on a database without keys, even when two processes start at once', async () => {
    const fresh = await createTestDatabase('bootstrap');
    const other = await createDb(fresh.url, { max: 2 }); // a second "process"
    try {
      const results = await Promise.all([ensureBootstrapAdminKey(fresh.db), ensureBootstrapAdminKey(other)]);
      const keys = results.filter((k): k is string => k !== null);
      expect(keys).toHaveLength(1);
      const p = await authenticateApiKey(fresh.db, keys[0]!);
      expect(p).toMatchObject({ tenant: 'default' });
      expect(hasRole(p!, 'admin')).toBe(true);
      expect(await ensureBootstrapAdminKey(fresh.db)).toBeNull();
      expect(await listApiKeys(fresh.db)).toHaveLength(1);
    } finally {
      await other.close();
      await fresh.drop();
    }
  });

  it('is not created when any key exists', async () => {
    expect(await ensureBootstrapAdminKey(db)).toBeNull();
  });
});

describe('tables', () => {
  it('creates, lists, gets and deletes a table', async () => {
    const created = await createTable(db, 'acme', { name: 'agent_events', description: 'calls', columns });
    expect(created).toEqual({
      name: 'agent_events',
      description: 'calls',
      columns,
      created_at: expect.any(String),
    });
    expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
    expect(await getTable(db, 'acme', 'agent_events')).toEqual(created);
    expect((await listTables(db, 'acme')).map((x) => x.name)).toContain('agent_events');

    expect(await deleteTable(db, 'acme', 'agent_events')).toBe(true);
    expect(await getTable(db, 'acme', 'agent_events')).toBeNull();
    expect((await listTables(db, 'acme')).map((x) => x.name)).not.toContain('agent_events');
    expect(await deleteTable(db, 'acme', 'agent_events')).toBe(false);
    const [row] =
      await db.sql`select deleted_at from lake_tables where tenant = 'acme' and name = 'agent_events'`;
    expect(row!.deleted_at).not.toBeNull();
  });

  it('answers 409 table_exists for a live name', async () => {
    await createTable(db, 'acme', { name: 'dup', columns: [] });
    const err = await createTable(db, 'acme', { name: 'dup', columns }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'table_exists', status: 409 });
    expect((await getTable(db, 'acme', 'dup'))!.columns).toEqual([]);
  });

  it('revives a deleted table with the new definition', async () => {
    await createTable(db, 'acme', { name: 'phoenix', description: 'old', columns });
    await deleteTable(db, 'acme', 'phoenix');
    const revived = await createTable(db, 'acme', { name: 'phoenix', description: 'new', columns: [] });
    expect(revived).toMatchObject({ name: 'phoenix', description: 'new', columns: [] });
    expect(await getTable(db, 'acme', 'phoenix')).toEqual(revived);
  });

  it('sees local creates and deletes through the cached lookup at once', async () => {
    expect(await findLiveTable(db, 'acme', 'cached')).toBeNull();
    await createTable(db, 'acme', { name: 'cached', columns });
    expect(await findLiveTable(db, 'acme', 'cached')).toMatchObject({ name: 'cached', columns });
    await deleteTable(db, 'acme', 'cached');
    expect(await findLiveTable(db, 'acme', 'cached')).toBeNull();
  });

  it('refuses bad names and built-in column names', async () => {
    await expect(createTable(db, 'acme', { name: 'Bad-Name', columns: [] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(
      createTable(db, 'acme', { name: 'ok_name', columns: [{ name: 'seq', type: 'int64' }] }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(
      createTable(db, 'acme', {
        name: 'ok_name',
        columns: [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'json' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await getTable(db, 'acme', 'ok_name')).toBeNull();
  });
});

describe('tenant isolation', () => {
  it('keeps tables and keys of tenant A invisible and untouchable for tenant B', async () => {
    await createTable(db, 'tenant-a', { name: 'secret', columns });
    const keyA = await createApiKey(db, { tenant: 'tenant-a', roles: ['admin'] });

    expect(await getTable(db, 'tenant-b', 'secret')).toBeNull();
    expect(await findLiveTable(db, 'tenant-b', 'secret')).toBeNull();
    expect(await listTables(db, 'tenant-b')).toEqual([]);
    expect(await deleteTable(db, 'tenant-b', 'secret')).toBe(false);
    expect(await getTable(db, 'tenant-a', 'secret')).not.toBeNull();

    expect((await listApiKeys(db, 'tenant-b')).map((k) => k.id)).not.toContain(keyA.id);
    expect(await revokeApiKey(db, keyA.id, 'tenant-b')).toBe(false);
    expect(await authenticateApiKey(db, keyA.key)).toMatchObject({ tenant: 'tenant-a' });

    // B may use the same table name independently.
    await createTable(db, 'tenant-b', { name: 'secret', columns: [] });
    expect((await getTable(db, 'tenant-a', 'secret'))!.columns).toEqual(columns);
    expect(await revokeApiKey(db, keyA.id, 'tenant-a')).toBe(true);
  });
});
