import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, sealKeyFromSeed, type ClientEvent } from '../chain/index.js';
import { encodeEnvelope, type LogMessage } from '../bus/index.js';
import { decodeMessage } from '../commit/decode-message.js';
import { sealBatch } from '../ingest/seal-batch.js';
import { batchRecords } from './log-records.js';

const key = sealKeyFromSeed('11'.repeat(32));

function chain(): ClientEvent[] {
  // Member order, numbers and escapes that JCS rewrites: the stored text must be the JCS form.
  const payloads = [
    { z: 1, a: 1.0, big: 1e21 },
    { text: 'é\u0000\u2028', nested: { b: [true, null], a: -0 } },
  ];
  let prev = GENESIS_HASH;
  return payloads.map((payload, i) => {
    const ev = { seq: i + 1, type: 'tool.call', ts: '2026-01-30T12:00:00+02:00', payload, prev_hash: prev };
    prev = hashEvent('t', 's', ev);
    return { ...ev, hash: prev };
  });
}

describe('batchRecords', () => {
  it('rebuilds from a log message exactly the records the committer stores', () => {
    const { envelope, data } = sealBatch(key, {
      tenant: 'acme',
      table: 't',
      sessionId: 's',
      events: chain(),
      prevSealHash: GENESIS_HASH,
    });
    const msg = {
      streamSeq: 42,
      subject: 'cl.events.acme.t.s',
      data,
      time: new Date(),
      deliveryCount: 1,
      header: () => undefined,
    } as unknown as LogMessage;
    const committed = decodeMessage('cl', msg, new Map([[key.kid, key.publicKey]])).records;
    const fromLog = batchRecords(
      42,
      JSON.parse(new TextDecoder().decode(encodeEnvelope(envelope))).events,
      envelope.seal,
    );
    expect(fromLog).toEqual(
      committed.map(({ seq, kind, type, ts, payload, prev_hash, hash, visibility_token }) => ({
        seq,
        kind,
        type,
        ts,
        payload,
        prev_hash,
        hash,
        visibility_token,
      })),
    );
  });

  it('drops members a seal does not have in contract §3, as the committer does', () => {
    const { envelope } = sealBatch(key, {
      tenant: 'a',
      table: 't',
      sessionId: 's',
      events: chain(),
      prevSealHash: GENESIS_HASH,
    });
    const withExtra = { ...envelope.seal, extra: 1 } as typeof envelope.seal;
    const seal = batchRecords(1, envelope.events, withExtra).at(-1)!;
    expect(JSON.parse(seal.payload)).toEqual(envelope.seal);
  });
});
