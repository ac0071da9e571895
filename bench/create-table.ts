/** The table every phase writes: three declared columns that ingest checks and the committer writes as Parquet columns. */
export async function createTable(url: string, tenant: string, table: string): Promise<void> {
  const res = await fetch(`${url}/v1/tables`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': tenant },
    body: JSON.stringify({
      name: table,
      description: 'chainlake bench',
      columns: [
        { name: 'model', type: 'string' },
        { name: 'tokens', type: 'int64' },
        { name: 'cost', type: 'double' },
      ],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201)
    throw new Error(`creating table ${table} answered ${res.status}: ${await res.text()}`);
}
