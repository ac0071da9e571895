import type { ObjectStore } from '../store/index.js';
import type { DecodedMessage } from './decode-message.js';
import type { ColumnDef } from './lake-record.js';
import { lakeFileKey } from './lake-file-key.js';
import { lakeRows } from './lake-rows.js';
import type { WrittenFile } from './snapshot-rows.js';
import { toParquet } from './to-parquet.js';

/** Writes one Parquet file per tenant/table of a commit to the object store. */
export async function writeFiles(
  store: ObjectStore,
  stream: string,
  messages: DecodedMessage[],
  committedAt: Date,
  columnsOf: (tenant: string, table: string) => Promise<ColumnDef[]>,
): Promise<WrittenFile[]> {
  const groups = new Map<string, DecodedMessage[]>();
  for (const m of messages) {
    const k = `${m.batch.tenant}/${m.batch.table}`;
    const group = groups.get(k);
    if (group) group.push(m);
    else groups.set(k, [m]);
  }
  return Promise.all(
    [...groups.values()].map(async (group) => {
      const { tenant, table } = group[0]!.batch;
      const seqs = group.map((m) => m.msg.streamSeq);
      const records = group.flatMap(lakeRows);
      const body = toParquet(records, await columnsOf(tenant, table));
      const key = lakeFileKey(stream, tenant, table, committedAt, seqs);
      await store.put(key, body, 'application/vnd.apache.parquet');
      return {
        tenant,
        table,
        key,
        rows: records.length,
        bytes: body.byteLength,
        minStreamSeq: Math.min(...seqs),
        maxStreamSeq: Math.max(...seqs),
      };
    }),
  );
}
