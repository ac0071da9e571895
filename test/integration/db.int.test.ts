import net from 'node:net';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createDb,
  isConnectionError,
  migrateDb,
  withDatabase,
  withTransaction,
  schema,
} from '../../src/db/index.js';
import type { Db } from '../../src/db/index.js';
import { createTestDatabase, dropDatabase, testDbName } from '../support/test-db.js';

const { maintenanceUrl } = inject('chainlakeTestDb');
const journal = JSON.parse(
  readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8'),
) as {
  entries: unknown[];
};

/** Databases this file creates itself (not through createTestDatabase): dropped at the end. */
const created: string[] = [];
const opened: Db[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close().catch(() => {})));
  for (const name of created) await dropDatabase(maintenanceUrl, name);
});

async function freshUrl(label: string): Promise<string> {
  const name = testDbName('t', label);
  created.push(name);
  return withDatabase(maintenanceUrl, name);
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = postgres(maintenanceUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length > 0;
  } finally {
    await admin.end();
  }
}

async function appliedMigrations(db: Db): Promise<number> {
  const rows = await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return rows[0]!.n as number;
}

describe('createDb', () => {
  it('creates the database when it is missing', async () => {
    const url = await freshUrl('create');
    const name = new URL(url).pathname.slice(1);
    expect(await databaseExists(name)).toBe(false);
    const db = await createDb(url, { max: 2 });
    opened.push(db);
    const [row] = await db.sql`select current_database() as name`;
    expect(row!.name).toBe(name);
    expect(await databaseExists(name)).toBe(true);
  });

  it('lets two processes create the same missing database at once', async () => {
    const url = await freshUrl('race');
    const dbs = await Promise.all([
      createDb(url, { max: 1 }),
      createDb(url, { max: 1 }),
      createDb(url, { max: 1 }),
    ]);
    opened.push(...dbs);
    for (const db of dbs) expect((await db.sql`select 1 as ok`)[0]!.ok).toBe(1);
  });

  it('opens its sockets with Nagle off', async () => {
    const connectSpy = vi.spyOn(net, 'connect');
    try {
      const url = await freshUrl('nodelay');
      const db = await createDb(url, { max: 1 });
      opened.push(db);
      await db.sql`select 1`;
      expect(connectSpy).toHaveBeenCalledWith(expect.objectContaining({ noDelay: true }));
    } finally {
      connectSpy.mockRestore();
    }
  });

  it('fails with a connection error when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await createDb(`postgres://postgres@127.0.0.1:${port}/nothing`, { max: 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(isConnectionError(err)).toBe(true);
    expect(isConnectionError(new Error('syntax error'))).toBe(false);
  });
});

describe('migrateDb', () => {
  it('is a no-op when run again', async () => {
    const t = await createTestDatabase('migrate_twice');
    try {
      expect(await appliedMigrations(t.db)).toBe(journal.entries.length);
      await migrateDb(t.db);
      await migrateDb(t.db);
      expect(await appliedMigrations(t.db)).toBe(journal.entries.length);
      await t.db.orm.insert(schema.tenants).values({ id: 'acme' });
      expect(await t.db.orm.select().from(schema.tenants)).toHaveLength(1);
    } finally {
      await t.drop();
    }
  });

  it('succeeds when two processes migrate an empty database at once', async () => {
    const url = await freshUrl('concurrent');
    const [a, b] = await Promise.all([createDb(url, { max: 2 }), createDb(url, { max: 2 })]);
    opened.push(a, b);
    await Promise.all([migrateDb(a), migrateDb(b), migrateDb(a)]);
    expect(await appliedMigrations(a)).toBe(journal.entries.length);
    const tables =
      await a.sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`;
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'lake_tables', 'records', 'sessions', 'snapshots', 'tenants']),
    );
  });
});

describe('withTransaction', () => {
  it('reuses an outer transaction and rolls everything back on error', async () => {
    const t = await createTestDatabase('tx');
    try {
      const boom = new Error('boom');
      const result = await withTransaction(t.db, async (outer) => {
        await outer.insert(schema.tenants).values({ id: 'kept' });
        return withTransaction(
          t.db,
          async (inner) => {
            expect(inner).toBe(outer);
            const rows = await inner.select().from(schema.tenants);
            return rows.length;
          },
          outer,
        );
      });
      expect(result).toBe(1);
      await expect(
        withTransaction(t.db, async (tx) => {
          await tx.insert(schema.tenants).values({ id: 'gone' });
          await withTransaction(t.db, async () => Promise.reject(boom), tx);
        }),
      ).rejects.toBe(boom);
      const ids = (await t.db.orm.select().from(schema.tenants)).map((r) => r.id);
      expect(ids).toEqual(['kept']);
      const [n] = await t.db.orm.execute(sql`select 1 as one`);
      expect(n).toEqual({ one: 1 });
    } finally {
      await t.drop();
    }
  });
});
