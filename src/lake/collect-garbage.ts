import { and, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { lakeFiles } from '../db/schema.js';
import type { ObjectStore } from '../store/index.js';
import { readWatermark } from './read-watermark.js';

export interface GarbageDeps {
  db: Db;
  store: ObjectStore;
  /** The events stream whose commits wrote the files (its lower-cased name starts each file name). */
  eventsStream: string;
  /** The commit lease (CHAINLAKE_ACK_WAIT_MS): a file younger than this may belong to a commit in flight. */
  leaseMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface GarbageOptions {
  tenant?: string;
  table?: string;
  dryRun?: boolean;
}

export interface GarbageReport {
  /** Data files of this deployment found under the scanned prefix. */
  scanned: number;
  /** Of those, files that a snapshot references. */
  referenced: number;
  /** Unreferenced a lease ago and still unreferenced now: deleted (or, with dryRun, to delete). */
  orphans: string[];
  /** Unreferenced files that appeared during the lease: kept, they may belong to a commit in flight. */
  young: string[];
  /** Unreferenced, but holding log messages above the watermark that a retried commit may still reference. */
  pending: string[];
  dry_run: boolean;
}

const sleepMs = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Matches the data files one deployment writes (src/commit/lake-file-key.ts), nothing else in the store. */
function dataFilePattern(eventsStream: string): RegExp {
  const stream = eventsStream.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^[^/]+/[^/]+/date=\\d{4}-\\d{2}-\\d{2}/${stream}-\\d{12}-(\\d{12})-[0-9a-f]{12}\\.parquet$`,
  );
}

async function referencedKeys(db: Db, opts: GarbageOptions): Promise<Set<string>> {
  const where: SQL[] = [];
  if (opts.tenant !== undefined) where.push(eq(lakeFiles.tenant, opts.tenant));
  if (opts.table !== undefined) where.push(eq(lakeFiles.tableName, opts.table));
  const rows = await db.orm
    .select({ key: lakeFiles.key })
    .from(lakeFiles)
    .where(and(...where));
  return new Set(rows.map((r) => r.key));
}

/**
 * Deletes Parquet files that no snapshot references and that are older than the commit lease. Object
 * stores differ in what age they report, so age is observed: a file is deleted only when it was already
 * unreferenced one full lease ago and still is, so an in-flight commit's file is never touched. A retried
 * commit rewrites the same key for the same messages, so a file is also kept until its messages are
 * all at or below the watermark (committed, by this file or another).
 */
export async function collectGarbage(deps: GarbageDeps, opts: GarbageOptions = {}): Promise<GarbageReport> {
  if (opts.table !== undefined && opts.tenant === undefined) throw new Error('a table needs its tenant');
  const prefix =
    opts.tenant === undefined ? '' : `${opts.tenant}/${opts.table === undefined ? '' : `${opts.table}/`}`;
  const isData = dataFilePattern(deps.eventsStream);
  const listData = async () => (await deps.store.list(prefix)).filter((k) => isData.test(k));

  const before = await listData();
  const refsBefore = await referencedKeys(deps.db, opts);
  const candidates = before.filter((k) => !refsBefore.has(k));
  if (candidates.length > 0) await (deps.sleep ?? sleepMs)(deps.leaseMs);

  // Watermark before references: a commit that could still reference a file of messages at or below
  // it has already committed, so the reference read next sees it.
  const watermark = (await readWatermark(deps.db, deps.eventsStream)).seq;
  const after = candidates.length > 0 ? await listData() : before;
  const refsAfter = candidates.length > 0 ? await referencedKeys(deps.db, opts) : refsBefore;
  const present = new Set(after);
  const committed = (k: string) => Number(isData.exec(k)![1]) <= watermark;
  const unreferenced = candidates.filter((k) => present.has(k) && !refsAfter.has(k));
  const orphans = unreferenced.filter(committed);
  const pending = unreferenced.filter((k) => !committed(k));
  const seen = new Set(before);
  const young = after.filter((k) => !seen.has(k) && !refsAfter.has(k));
  if (!opts.dryRun) for (const key of orphans) await deps.store.delete(key);
  return {
    scanned: after.length,
    referenced: after.filter((k) => refsAfter.has(k)).length,
    orphans,
    young,
    pending,
    dry_run: opts.dryRun === true,
  };
}
