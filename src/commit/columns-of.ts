import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { lakeTables } from '../db/schema.js';
import type { ColumnDef } from './lake-record.js';

/**
 * The declared columns of a table, deleted or not: batches already in the log still commit after a
 * table is deleted (contract: "stored data, replay and files stay").
 */
export function columnsReader(db: Db): (tenant: string, table: string) => Promise<ColumnDef[]> {
  return async (tenant, table) => {
    const [row] = await db.orm
      .select({ columns: lakeTables.columns })
      .from(lakeTables)
      .where(and(eq(lakeTables.tenant, tenant), eq(lakeTables.name, table)));
    return row?.columns ?? [];
  };
}
