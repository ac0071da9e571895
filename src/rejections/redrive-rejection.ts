import { and, eq, sql } from 'drizzle-orm';
import { publishRaw, type Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { rejections } from '../db/schema.js';
import { AppError } from '../errors.js';

/** Upper bound on redrive numbers tried inside one dedup window. */
const MAX_REDRIVES = 1000;

export interface Redriven {
  id: string;
  tenant: string;
  table: string;
  msgId: string;
  rawSeq: number;
}

/**
 * Publishes a rejected raw message's stored body again to its raw subject with a new msg-id
 * `redrive.{id}.{n}` (n: the first number not seen in the raw stream's dedup window), then marks it.
 */
export async function redriveRejection(
  deps: { db: Db; bus: Bus },
  tenant: string,
  id: string,
): Promise<Redriven> {
  const { db, bus } = deps;
  if (!/^[1-9]\d{0,15}$/.test(id)) throw notFound(id);
  const where = and(eq(rejections.tenant, tenant), eq(rejections.id, Number(id)));
  const [row] = await db.orm
    .select({ table: rejections.tableName, stream: rejections.stream, body: rejections.body })
    .from(rejections)
    .where(where);
  if (!row) throw notFound(id);
  if (row.stream !== bus.names.rawStream || row.body === null) {
    throw new AppError(
      'invalid_request',
      `Rejection ${id} did not come from the raw stream ${bus.names.rawStream} (it came from ${row.stream ?? 'nowhere'}); only raw messages can be re-driven.`,
    );
  }
  const data = new TextEncoder().encode(row.body);
  for (let n = 1; n <= MAX_REDRIVES; n++) {
    const msgId = `redrive.${id}.${n}`;
    const published = await publishRaw(bus, tenant, row.table, data, msgId);
    if (published.duplicate) continue;
    await db.orm
      .update(rejections)
      .set({ redrivenAt: sql`now()` })
      .where(where);
    return { id, tenant, table: row.table, msgId, rawSeq: published.streamSeq };
  }
  throw new AppError(
    'invalid_request',
    `Rejection ${id} was re-driven ${MAX_REDRIVES} times just now; wait.`,
  );
}

function notFound(id: string) {
  return new AppError('rejection_not_found', `Rejection ${id} does not exist.`);
}
