// The same program through require(), as a CommonJS consumer runs it.
const { ChainlakeClient, ChainWriter, verifyRecords } = require('@chainlake/client');

async function main() {
  const opts = { baseUrl: process.env.CHAINLAKE_URL, apiKey: process.env.CHAINLAKE_API_KEY };
  const table = 'agent_events';
  const sessionId = process.env.SESSION_ID;
  const writer = await ChainWriter.open({ ...opts, table, sessionId, maxBatch: 2 });
  await writer.append('prompt', { text: 'What is 17% of 48.2M?' });
  await writer.append('llm.call', { model: 'm1', tokens: 412 });
  await writer.append('tool.call', { tool: 'calculator', input: '0.17 * 48.2e6' });
  await writer.close();
  const visible = await writer.waitVisible(20_000);
  const client = new ChainlakeClient(opts);
  const records = [];
  for await (const r of client.replay(table, sessionId)) records.push(r);
  console.log(JSON.stringify({ visible, report: verifyRecords(records, await client.keys()) }));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
