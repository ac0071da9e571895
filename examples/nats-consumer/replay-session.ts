/**
 * Replays one session from chainlake's event log with an ordered consumer and stops at its end.
 *
 *   npx tsx examples/nats-consumer/replay-session.ts --tenant default --table agent_events --session s1
 *     [--prefix chainlake] [--nats nats://127.0.0.1:4222] [--idle-ms 10000]
 *
 * Prints one NDJSON line per record (events, then the batch's seal) and a summary on stderr. Needs only
 * the NATS client packages (@nats-io/transport-node, @nats-io/jetstream) and read access to the stream.
 */
import { parseArgs } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

interface LogBody {
  events: { seq: number }[];
  seal: { seq: number; from_seq: number };
}

const { values: args } = parseArgs({
  options: {
    tenant: { type: 'string', default: 'default' },
    table: { type: 'string' },
    session: { type: 'string' },
    prefix: { type: 'string', default: 'chainlake' },
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    'idle-ms': { type: 'string', default: '10000' },
  },
});
if (!args.table || !args.session) {
  process.stderr.write(
    'usage: replay-session.ts --table X --session S [--tenant T] [--prefix P] [--nats URL]\n',
  );
  process.exit(2);
}

const subject = `${args.prefix}.events.${args.tenant}.${args.table}.${args.session}`;
const stream = `${args.prefix.toUpperCase().replace(/-/g, '_')}_EVENTS`;
const idleMs = Number(args['idle-ms']);

const nc = await connect({ servers: args.nats.split(','), name: 'chainlake-replay-example' });
let batches = 0;
let records = 0;
try {
  // The end of the session is the stream's last sequence for its subject, read BEFORE consuming: a
  // consumer that waits for "more" on a quiet subject would wait forever. No message: nothing to read.
  const jsm = await jetstreamManager(nc);
  const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
  if (last) {
    // An ordered consumer: ephemeral, no acks, resumes by itself after a gap. One filter subject as a
    // string (an array needs nats-server 2.10).
    const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: subject });
    const messages = await consumer.consume();
    let timer = setTimeout(() => void messages.close(), idleMs);
    let atEnd = false;
    for await (const m of messages) {
      clearTimeout(timer);
      const body = m.json<LogBody & Record<string, unknown>>();
      for (const ev of body.events) process.stdout.write(JSON.stringify({ kind: 'event', ...ev }) + '\n');
      process.stdout.write(JSON.stringify({ kind: 'seal', ...body.seal }) + '\n');
      batches += 1;
      records += body.events.length + 1;
      // Either test works: the sequence read at the start, or nothing pending for this consumer.
      atEnd = m.seq >= last.seq || m.info.pending === 0;
      if (atEnd) break;
      timer = setTimeout(() => void messages.close(), idleMs);
    }
    clearTimeout(timer);
    await messages.close();
    if (!atEnd) throw new Error(`no message from ${subject} for ${idleMs} ms before stream seq ${last.seq}`);
  }
  process.stderr.write(
    `${subject}: ${batches} batches, ${records} records` +
      (last ? ` (up to stream seq ${last.seq})\n` : ' (no messages)\n'),
  );
} finally {
  await nc.close();
}
