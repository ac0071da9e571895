// Compiled by a strict consumer (exactOptionalPropertyTypes): options typed as users write them.
import {
  ChainConflictError,
  ChainlakeClient,
  ChainWriter,
  verifyRecords,
  type ChainReport,
  type ChainWriterOptions,
  type ReplayRecord,
} from '@chainlake/client';

export async function record(baseUrl: string): Promise<ChainReport> {
  const opts = { baseUrl, apiKey: process.env.CHAINLAKE_API_KEY, tenant: process.env.CHAINLAKE_TENANT };
  const writerOptions: ChainWriterOptions = {
    ...opts,
    table: 'agent_events',
    sessionId: 'run-42',
    retry: { attempts: 3 },
  };
  const writer = await ChainWriter.open(writerOptions);
  const event = await writer.append('prompt', { text: 'hi' }, { ts: new Date() });
  const seq: number = event.seq;
  await writer.close().catch((err: unknown) => {
    if (err instanceof ChainConflictError) console.log(err.expectedSeq, err.head?.hash, seq);
    throw err;
  });
  await writer.waitVisible();
  const client = new ChainlakeClient(opts);
  await client.createTable({
    name: 'agent_events',
    description: undefined,
    columns: [{ name: 'model', type: 'string' }],
  });
  const records: ReplayRecord[] = [];
  for await (const r of client.replay('agent_events', 'run-42', { format: 'ndjson', afterSeq: undefined }))
    records.push(r);
  const kinds = records.map((r) => (r.kind === 'seal' ? r.key_id : r.type));
  console.log(kinds);
  return verifyRecords(records, await client.keys());
}
