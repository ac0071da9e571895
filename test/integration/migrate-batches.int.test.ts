import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, sealKeyFromSeed, signSeal } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { createDb, migrateDb, withDatabase, type Db } from '../../src/db/index.js';
import { batchRecords, sealFields } from '../../src/wire/index.js';
import { dropDatabase, testDbName } from '../support/test-db.js';

const { maintenanceUrl } = inject('chainlakeTestDb');
const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));
const name = testDbName('t', 'migrate_batches');
let db: Db | undefined;
let dir: string | undefined;
afterAll(async () => {
  await db?.close();
  await dropDatabase(maintenanceUrl, name);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Applies only the first `n` migrations: the schema as an earlier version left it. */
async function migrateTo(db: Db, n: number): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'chainlake-migrations-'));
  await cp(MIGRATIONS, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, n);
  await writeFile(journalFile, JSON.stringify(journal));
  await migrate(drizzle(db.sql), { migrationsFolder: dir });
}

describe('the migration from per-record rows to one row per batch', () => {
  it("turns each logged batch's records into the exact replay lines the committer now stores", async () => {
    db = await createDb(withDatabase(maintenanceUrl, name), { max: 2 });
    await migrateTo(db, 2);
    const events = makeTestChain('t', 's', 4);
    const key = sealKeyFromSeed('22'.repeat(32));
    const seal = signSeal(
      {
        tenant: 'acme',
        table: 't',
        session_id: 's',
        from_seq: 1,
        seq: 4,
        head_hash: events[3]!.hash,
        prev_seal_hash: GENESIS_HASH,
        sealed_at: '2026-01-30T12:00:00.000Z',
      },
      key,
    );
    const at = '2026-01-30T12:00:01.000Z';
    const rows = [
      ...events.map((e) => ({
        seq: e.seq,
        kind: 'event',
        type: e.type,
        ts: e.ts,
        payload: canonicalJson(e.payload),
        prev_hash: e.prev_hash,
        hash: e.hash,
      })),
      {
        seq: 4,
        kind: 'seal',
        type: 'CHAIN_SEAL',
        ts: seal.sealed_at,
        payload: canonicalJson(sealFields(seal)),
        prev_hash: seal.prev_seal_hash,
        hash: seal.hash,
      },
    ];
    for (const r of rows) {
      await db.sql`insert into records (tenant, table_name, session_id, seq, kind, type, ts, payload, prev_hash, hash, visibility_token, stream_seq, ingested_at)
        values ('acme', 't', 's', ${r.seq}, ${r.kind}, ${r.type}, ${r.ts}, ${r.payload}, ${r.prev_hash}, ${r.hash}, 'v1.7', 7, ${at}::timestamptz)`;
    }
    await migrateDb(db);

    const [batch] = await db.sql<
      {
        from_seq: string;
        to_seq: string;
        stream_seq: string;
        event_count: number;
        first_ts: string;
        last_ts: string;
        records: string;
      }[]
    >`
      select from_seq::text, to_seq::text, stream_seq::text, event_count, first_ts, last_ts, records from batches`;
    const expected = batchRecords({ tenant: 'acme', table: 't', sessionId: 's' }, 'v1.7', {
      events,
      seal,
      payloadJcs: events.map((e) => canonicalJson(e.payload)),
    });
    expect(batch).toEqual({
      from_seq: '1',
      to_seq: '4',
      stream_seq: '7',
      event_count: 4,
      first_ts: events[0]!.ts,
      last_ts: events[3]!.ts,
      records: expected.lines,
    });
    // The records view still answers per-record questions, with the exact payload text.
    const view = await db.sql<
      { seq: string; kind: string; payload: string }[]
    >`select seq::text, kind, payload from records order by seq, kind`;
    expect(view.map((r) => [Number(r.seq), r.kind, r.payload])).toEqual(
      rows.map((r) => [r.seq, r.kind, r.payload]),
    );
  });
});
