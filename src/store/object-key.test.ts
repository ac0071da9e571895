import { describe, expect, it } from 'vitest';
import { assertKeyPrefix, assertObjectKey, compareKeys } from './object-key.js';

describe('assertObjectKey', () => {
  it.each(['a.bin', 'acme/agent_events/date=2026-01-30/0001-abc.parquet', 'a..b/c', '..a'])(
    'accepts %j',
    (key) => {
      expect(() => assertObjectKey(key)).not.toThrow();
    },
  );

  it.each(['', '/a', '../a', 'a/../b', 'a/..', './a', 'a/./b', 'a//b', 'a/', 'a\\b', 'a\0b'])(
    'rejects %j',
    (key) => {
      expect(() => assertObjectKey(key)).toThrow(/invalid object key/);
    },
  );
});

describe('assertKeyPrefix', () => {
  it.each(['', 'acme/', 'acme/t', 'acme/t/date='])('accepts %j', (prefix) => {
    expect(() => assertKeyPrefix(prefix)).not.toThrow();
  });

  it.each(['/', '/acme', '../', 'a/../', 'a/./b', 'a\\b'])('rejects %j', (prefix) => {
    expect(() => assertKeyPrefix(prefix)).toThrow(/invalid key prefix/);
  });
});

describe('compareKeys', () => {
  it('orders keys lexically', () => {
    expect(['b', 'a/2', 'a-1', 'a/10', 'A'].sort(compareKeys)).toEqual(['A', 'a-1', 'a/10', 'a/2', 'b']);
  });
});
