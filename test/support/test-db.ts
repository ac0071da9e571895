import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, quoteIdent, withDatabase } from '../../src/db/index.js';
import type { Db } from '../../src/db/index.js';
import postgres from 'postgres';

/** What global setup hands to every integration-test worker (vitest `provide`, and the environment). */
export interface TestDbTemplate {
  /** The Postgres server, database `postgres`: where test databases are created and dropped. */
  maintenanceUrl: string;
  /** The migrated template each test database is cloned from. */
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    chainlakeTestDb: TestDbTemplate;
  }
}

export const TEMPLATE_PROVIDE_KEY = 'chainlakeTestDb';
export const TEMPLATE_ENV = 'CHAINLAKE_TEST_DB_TEMPLATE';
/** Leftovers of crashed runs older than this are dropped by global setup. */
export const STALE_AFTER_MS = 2 * 60 * 60 * 1000;
/** Test database names carry their creation time, so a later run can tell stale ones apart. */
export const TEST_DB_RE = /^chainlake_(t|tpl)_(\d{9,11})_[a-z0-9_]*$/;

/** `chainlake_<kind>_<epoch seconds>_<random>[_label]`, at most 63 bytes. */
export function testDbName(kind: 't' | 'tpl', label = ''): string {
  const rand = randomBytes(6).toString('hex');
  const tail = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20);
  return `chainlake_${kind}_${Math.floor(Date.now() / 1000)}_${rand}${tail ? '_' + tail : ''}`;
}

/** A one-connection client to the maintenance database, for CREATE/DROP DATABASE. */
export function adminClient(maintenanceUrl: string): postgres.Sql {
  return postgres(maintenanceUrl, { max: 1, connect_timeout: 5, idle_timeout: 5, onnotice: () => {} });
}

/** Drops a database even with open sessions (Postgres 13+). */
export async function dropDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const admin = adminClient(maintenanceUrl);
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function templateInfo(): TestDbTemplate {
  let provided: TestDbTemplate | undefined;
  try {
    provided = inject(TEMPLATE_PROVIDE_KEY);
  } catch {
    provided = undefined;
  }
  if (provided?.template) return provided;
  const fromEnv = process.env[TEMPLATE_ENV];
  if (fromEnv) return JSON.parse(fromEnv) as TestDbTemplate;
  throw new Error(
    'No test database template: run integration tests through vitest (`npx vitest run --project integration`) so test/support/global-setup.ts runs.',
  );
}

/**
 * A fresh, migrated database for one test file or test, cloned from the run's template (tens of ms).
 * Always call `drop()` (afterAll): it closes the pool and drops the database.
 */
export async function createTestDatabase(
  label = '',
  opts: { max?: number } = {},
): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const { maintenanceUrl, template } = templateInfo();
  const name = testDbName('t', label);
  const admin = adminClient(maintenanceUrl);
  try {
    // Concurrent clones of one template can briefly see each other as "users" of it (55006): retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(maintenanceUrl, name);
  let db: Db;
  try {
    db = await createDb(url, { max: opts.max ?? 5 });
  } catch (err) {
    await dropDatabase(maintenanceUrl, name);
    throw err;
  }
  let dropped = false;
  return {
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close().catch(() => {});
      await dropDatabase(maintenanceUrl, name);
    },
  };
}
