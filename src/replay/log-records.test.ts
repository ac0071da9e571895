import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalJson,
  hashEvent,
  sealKeyFromSeed,
  signLogTag,
  type ClientEvent,
} from '../chain/index.js';
import { HEADERS, type LogMessage } from '../bus/index.js';
import { decodeMessage } from '../commit/decode-message.js';
import { sealBatch } from '../ingest/seal-batch.js';
import { batchRecords, decodeLogBody } from '../wire/index.js';

const key = sealKeyFromSeed('11'.repeat(32));
const keys = new Map([[key.kid, key.publicKey]]);

function chain(): ClientEvent[] {
  // Member order, numbers and escapes that JCS rewrites, and integer-like keys that JSON.parse reorders.
  const payloads = [
    { z: 1, a: 1.0, big: 1e21, '10': 'x', '9': 'y' },
    { text: 'é\u0000\u2028"\\', nested: { b: [true, null], a: -0 } },
  ];
  let prev = GENESIS_HASH;
  return payloads.map((payload, i) => {
    const ev = { seq: i + 1, type: 'tool.call', ts: '2026-01-30T12:00:00+02:00', payload, prev_hash: prev };
    prev = hashEvent('t', 's', ev);
    return { ...ev, hash: prev };
  });
}

function logMessage(subject: string, data: Uint8Array, signature?: string): LogMessage {
  const headers: Record<string, string | undefined> = { [HEADERS.signature]: signature };
  return {
    streamSeq: 42,
    subject,
    data,
    time: new Date(),
    deliveryCount: 1,
    header: (n: string) => headers[n],
  } as unknown as LogMessage;
}

describe('one mapping from a log message to its records', () => {
  const events = chain();
  const payloadJcs = events.map((e) => canonicalJson(e.payload));
  const { seal, data } = sealBatch(key, {
    tenant: 'acme',
    table: 't',
    sessionId: 's',
    events,
    payloadJcs,
    prevSealHash: GENESIS_HASH,
  });
  const subject = 'cl.events.acme.t.s';

  it('cuts each payload from the body as the exact JCS text that was hashed', () => {
    const body = decodeLogBody(Buffer.from(data).toString('utf8'), true);
    expect(body.payloadJcs).toEqual(payloadJcs);
    expect(body.seal).toEqual(seal);
  });

  it('gives the committer and replay from the log the same lines', () => {
    const committed = decodeMessage(
      { prefix: 'cl', keys, verify: 'full' },
      logMessage(subject, data, signLogTag(key, { subject, body: data })),
    );
    const fromLog = batchRecords(
      { tenant: 'acme', table: 't', sessionId: 's' },
      'v1.42',
      decodeLogBody(Buffer.from(data).toString('utf8'), true),
    );
    expect(fromLog.lines).toBe(committed.batch.lines);
    const lines = fromLog.lines
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.seq])).toEqual([
      ['event', 1],
      ['event', 2],
      ['seal', 2],
    ]);
    expect(lines[2]).toEqual({ kind: 'seal', ...seal });
  });

  it('canonicalizes a body of another layout (an older version) instead of cutting it', () => {
    const legacy = JSON.stringify({ events, seal });
    expect(decodeLogBody(legacy, false).payloadJcs).toEqual(payloadJcs);
  });

  it('drops members a seal does not have in contract §3', () => {
    const body = decodeLogBody(Buffer.from(data).toString('utf8'), true);
    const withExtra = { ...body, seal: { ...body.seal, extra: 1 } as typeof seal };
    expect(batchRecords({ tenant: 'acme', table: 't', sessionId: 's' }, 'v1.1', withExtra).sealJcs).toBe(
      canonicalJson(seal),
    );
  });

  it('rejects a message without the gatekeeper tag, or with a tag over other bytes, or on another subject', () => {
    const decode = (m: LogMessage) => () => decodeMessage({ prefix: 'cl', keys, verify: 'tag' }, m);
    expect(decode(logMessage(subject, data))).toThrow(/signature/);
    const tag = signLogTag(key, { subject, body: data });
    const altered = Buffer.from(Buffer.from(data).toString('utf8').replace('tool.call', 'tool.cell'));
    expect(decode(logMessage(subject, altered, tag))).toThrow(/signature/);
    expect(decode(logMessage('cl.events.acme.t.other', data, tag))).toThrow(/signature/);
    expect(decode(logMessage(subject, data, tag))).not.toThrow();
  });
});
