/**
 * The golden path: an agent records a session through the SDK, waits until it is committed, replays and
 * verifies it, then shows that a tampered batch is refused with nothing written. `npm run demo`.
 * Variables: README.md beside this file. Whatever happens (failure, timeout, Ctrl-C) it removes what it
 * started: its streams, its lake and key directory.
 */
import {
  ChainlakeClient,
  ChainRejectedError,
  ChainWriter,
  hashEvent,
  verifyRecords,
  type ReplayRecord,
} from '@chainlake/client';
import { runAgent } from './agent.js';
import { startLocalChainlake } from './local-chainlake.js';

const TABLE = 'agent_events';
const DEADLINE_MS = 45_000;

/** Undoes what this run started; set once the local chainlake is up. */
let cleanup: (() => Promise<void>) | null = null;

async function main(): Promise<void> {
  const local = process.env.CHAINLAKE_URL ? null : await startLocalChainlake();
  if (local) cleanup = () => local.stop();
  const baseUrl = process.env.CHAINLAKE_URL ?? local!.url;
  const tenant = process.env.CHAINLAKE_TENANT ?? local?.tenant;
  const options = { baseUrl, apiKey: process.env.CHAINLAKE_API_KEY, tenant, timeoutMs: 10_000 };
  console.log(
    `chainlake at ${baseUrl}${local ? ' (started in this process)' : ''}, tenant ${tenant ?? "(the key's)"}`,
  );
  const client = new ChainlakeClient(options);
  await client.createTable({ name: TABLE, description: 'agent sessions (demo)' });

  const sessionId = `demo-${Date.now()}`;
  const writer = await ChainWriter.open({ ...options, table: TABLE, sessionId, maxBatch: 4 });
  const written = await runAgent(writer);
  await writer.close();
  console.log(`recorded session ${sessionId}: ${written} events, head seq ${writer.head.seq}`);
  if (!(await writer.waitVisible(15_000))) throw new Error('the session did not become visible in 15 s');
  console.log('visible: committed to Parquet and Postgres');

  const records: ReplayRecord[] = [];
  for await (const record of client.replay(TABLE, sessionId)) records.push(record);
  for (const r of records) console.log(`  ${r.seq}\t${r.kind === 'seal' ? 'CHAIN_SEAL' : r.type}`);
  const report = verifyRecords(records, await client.keys());
  if (!report.valid) throw new Error(`verification failed: ${JSON.stringify(report.errors)}`);
  console.log(`verified: ${report.checked_events} events, ${report.checked_seals} seals`);

  // Tampering: an event hashed over one payload but sent with another.
  const head = writer.head;
  const honest = {
    seq: head.seq + 1,
    type: 'tool.result',
    ts: new Date().toISOString(),
    prev_hash: head.hash,
    payload: { amount: 100 },
  };
  const tampered = { ...honest, hash: hashEvent(TABLE, sessionId, honest), payload: { amount: 1_000_000 } };
  const before = await client.session(TABLE, sessionId);
  const refused = await client
    .ingest(TABLE, { session_id: sessionId, events: [tampered] })
    .catch((e: unknown) => e);
  if (!(refused instanceof ChainRejectedError)) throw new Error('the tampered batch was not rejected');
  console.log(`tampered batch rejected: ${refused.status} ${refused.code} at seq ${refused.seq}`);
  const after = await client.session(TABLE, sessionId);
  if (after?.accepted_head?.seq !== before?.accepted_head?.seq || after?.event_count !== before?.event_count)
    throw new Error('the tampered batch changed the session');
  console.log(`nothing written: still ${after?.event_count} events, head seq ${after?.accepted_head?.seq}`);
}

/** Cleans up (at most once), then exits. */
async function finish(code: number): Promise<never> {
  clearTimeout(watchdog);
  const undo = cleanup;
  cleanup = null;
  await undo?.().catch((err: unknown) => console.error(`demo: cleanup failed: ${(err as Error).message}`));
  process.exit(code);
}

const HINT =
  'demo: it needs PostgreSQL (DEMO_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/chainlake_demo) and ' +
  'NATS with JetStream (NATS_URL, default nats://127.0.0.1:4222), or CHAINLAKE_URL of a running chainlake';
const watchdog = setTimeout(() => {
  console.error(`demo: no result within ${DEADLINE_MS / 1000} s`);
  void finish(1);
}, DEADLINE_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void finish(130));
main().then(
  async () => {
    console.log('demo: ok');
    await finish(0);
  },
  async (err: unknown) => {
    const e = err as Error & { code?: string };
    console.error(`demo failed: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`);
    if (/ECONNREFUSED|connection refused|ENOTFOUND|timed? ?out/i.test(`${e.message} ${e.code ?? ''}`))
      console.error(HINT);
    await finish(1);
  },
);
