import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson against the canonicalize reference implementation', () => {
  it('gives the same text for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same text for JSON text with full unicode and tricky numbers, parsed', () => {
    const tricky = fc.oneof(
      fc.constantFrom(1e21, 1e-7, -0, 0.1, 9007199254740991, 5e-324, 1.7976931348623157e308, 123456789.125),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }),
        tricky,
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.dictionary(fc.string({ unit: 'grapheme' }), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const parsed = JSON.parse(JSON.stringify(v)) as unknown;
        expect(canonicalJson(parsed)).toBe(canonicalize(parsed));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what JCS cannot represent, as a TypeError', () => {
    for (const bad of [
      '\ud800',
      { k: '\udc00' },
      { '\ud800': 1 },
      NaN,
      Infinity,
      [undefined],
      10n,
      () => 1,
    ]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
  });
});
