import { describe, expect, it } from 'vitest';
import { recordText, type StoredRecord } from './record-lines.js';

const event: StoredRecord = {
  seq: 7,
  kind: 'event',
  type: 'llm.call',
  ts: '2026-01-30T12:00:00.123+01:00',
  payload: '{"a":[1,2.5,1e+21],"z":"\\u0000é"}',
  prev_hash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  visibility_token: 'v1.12',
};

describe('recordText', () => {
  it('writes an event with fixed member order and the stored payload bytes verbatim', () => {
    expect(recordText('t', 's"1', event)).toBe(
      `{"table":"t","session_id":"s\\"1","kind":"event","seq":7,"type":"llm.call",` +
        `"ts":"2026-01-30T12:00:00.123+01:00","payload":{"a":[1,2.5,1e+21],"z":"\\u0000é"},` +
        `"prev_hash":"${'a'.repeat(64)}","hash":"${'b'.repeat(64)}","status":"AUTHORITATIVE",` +
        `"visibility_token":"v1.12"}`,
    );
  });

  it('writes a seal as its stored JCS text with kind added in front', () => {
    const payload = '{"from_seq":1,"hash":"h","seq":3,"session_id":"s","table":"t","type":"CHAIN_SEAL"}';
    const text = recordText('t', 's', { ...event, kind: 'seal', payload });
    expect(text).toBe(`{"kind":"seal",${payload.slice(1)}`);
    expect(JSON.parse(text)).toEqual({ kind: 'seal', ...JSON.parse(payload) });
  });

  it('keeps the line valid JSON when a stored payload is not a one-line JSON object', () => {
    for (const payload of ['not json', '[1]', '{\n"a":1}', '{}']) {
      for (const kind of ['event', 'seal'] as const) {
        const text = recordText('t', 's', { ...event, kind, payload });
        expect(text).not.toMatch(/\n/);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        expect(parsed.kind).toBe(kind);
        expect(parsed.seq).toBe(7);
      }
    }
    expect(JSON.parse(recordText('t', 's', { ...event, payload: '{}' })).payload).toEqual({});
  });
});
