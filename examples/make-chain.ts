/**
 * Writes a valid hash chain as ingest request bodies, one file per batch, for trying the API with curl:
 *   npx tsx examples/make-chain.ts --table agent_events --session s1 --count 250 --batches 100,100,50 --out /tmp/chain
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENESIS_HASH, hashEvent, type ClientEvent } from '../src/chain/index.js';

const { values } = parseArgs({
  options: {
    table: { type: 'string', default: 'agent_events' },
    session: { type: 'string', default: 's1' },
    count: { type: 'string', default: '250' },
    batches: { type: 'string', default: '100,100,50' },
    out: { type: 'string', default: './chain' },
  },
});

const events: ClientEvent[] = [];
let prev = GENESIS_HASH;
for (let seq = 1; seq <= Number(values.count); seq++) {
  const ev = {
    seq,
    type: seq % 2 ? 'llm.call' : 'tool.call',
    ts: new Date(Date.UTC(2026, 0, 30, 12, 0, 0, seq)).toISOString(),
    payload: { model: 'm1', tokens: 40 + (seq % 7), step: seq },
    prev_hash: prev,
  };
  const full = { ...ev, hash: hashEvent(values.table!, values.session!, ev) };
  events.push(full);
  prev = full.hash;
}

await mkdir(values.out!, { recursive: true });
let from = 0;
for (const [i, size] of values.batches!.split(',').map(Number).entries()) {
  const body = {
    session_id: values.session,
    idempotency_key: `${values.session}-batch-${i + 1}`,
    events: events.slice(from, from + size),
  };
  const file = join(values.out!, `batch-${i + 1}.json`);
  await writeFile(file, JSON.stringify(body));
  process.stdout.write(`${file}: events ${from + 1}..${from + size}\n`);
  from += size;
}
