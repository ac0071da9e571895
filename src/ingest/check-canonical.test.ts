import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, type ClientEvent } from '../chain/index.js';
import { uncanonicalValues, whenCanonical } from './check-canonical.js';

const event = (payload: Record<string, unknown>): ClientEvent => ({
  seq: 1,
  type: 't',
  ts: '2026-01-30T12:00:00Z',
  payload,
  prev_hash: GENESIS_HASH,
  hash: 'a'.repeat(64),
});
const invalid = (errors: { path: string; message: string }[]) =>
  Object.assign(new Error('invalid'), { errors });

describe('uncanonicalValues', () => {
  it('finds lone surrogates in values and member names, and non-finite numbers', () => {
    const events = [
      event({ ok: 'fine \ud83d\ude00' }),
      event({ a: ['x', { b: 'lone \ud800' }] }),
      event({ ['k\udc00']: 1 }),
      event({ n: JSON.parse('1e400') as number }),
    ];
    expect(uncanonicalValues(events)).toEqual([
      { path: '/events/1/payload/a/1/b', message: expect.stringMatching(/lone surrogate/) },
      { path: '/events/2/payload/k\udc00', message: expect.stringMatching(/member name/) },
      { path: '/events/3/payload/n', message: expect.stringMatching(/out of range/) },
    ]);
  });

  it('escapes JSON Pointer tokens', () => {
    expect(uncanonicalValues([event({ 'a/b~c': '\ud800' })])[0]!.path).toBe('/events/0/payload/a~1b~0c');
  });
});

describe('whenCanonical', () => {
  it('turns a canonicalJson TypeError into the invalid error naming the place', () => {
    const events = [event({ text: '\ud800' })];
    const thrown = (() => {
      try {
        whenCanonical(events, () => canonicalJson(events[0]!.payload), invalid);
      } catch (err) {
        return err as Error & { errors: unknown };
      }
    })();
    expect(thrown?.errors).toEqual([{ path: '/events/0/payload/text', message: expect.any(String) }]);
  });

  it('rethrows a TypeError that no payload explains (a bug, not bad input)', () => {
    const bug = new TypeError('x is undefined');
    expect(() =>
      whenCanonical(
        [event({})],
        () => {
          throw bug;
        },
        invalid,
      ),
    ).toThrow(bug);
  });

  it('returns the result when nothing throws', () => {
    expect(whenCanonical([event({})], () => 42, invalid)).toBe(42);
  });
});
