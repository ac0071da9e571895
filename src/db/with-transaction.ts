import type { Db } from './create-db.js';

/** A drizzle transaction over the chainlake schema. */
export type Tx = Parameters<Parameters<Db['orm']['transaction']>[0]>[0];

/** Either the pool's client or a transaction: what a query helper runs on. */
export type Queryable = Db['orm'] | Tx;

/**
 * Runs `fn` in a transaction; with `outer`, runs it inside that one instead, so a verb can compose
 * helpers that each "own" a transaction (style point 12).
 */
export async function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
  if (outer) return fn(outer);
  return db.orm.transaction(fn);
}
