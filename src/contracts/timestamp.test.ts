import { describe, expect, it } from 'vitest';
import { rfc3339ToMicros } from './timestamp.js';

describe('rfc3339ToMicros', () => {
  it('converts the epoch and a UTC time with milliseconds', () => {
    expect(rfc3339ToMicros('1970-01-01T00:00:00Z')).toBe(0n);
    expect(rfc3339ToMicros('2026-01-30T12:00:00.123Z')).toBe(
      BigInt(Date.parse('2026-01-30T12:00:00.123Z')) * 1000n,
    );
  });

  it('keeps microseconds exactly and truncates digits beyond them', () => {
    const base = BigInt(Date.parse('2026-01-30T12:00:00Z')) * 1000n;
    expect(rfc3339ToMicros('2026-01-30T12:00:00.123456Z')).toBe(base + 123_456n);
    expect(rfc3339ToMicros('2026-01-30T12:00:00.123456999Z')).toBe(base + 123_456n);
    expect(rfc3339ToMicros('2026-01-30T12:00:00.1Z')).toBe(base + 100_000n);
    expect(rfc3339ToMicros('2026-01-30T12:00:00.000001Z')).toBe(base + 1n);
    expect(rfc3339ToMicros('2026-01-30T12:00:00.99999999999999999999Z')).toBe(base + 999_999n);
  });

  it('applies positive and negative offsets and accepts lower-case z and t and a space separator', () => {
    const utc = rfc3339ToMicros('2026-01-30T12:00:00Z');
    expect(rfc3339ToMicros('2026-01-30T14:30:00+02:30')).toBe(utc);
    expect(rfc3339ToMicros('2026-01-30T07:00:00-05:00')).toBe(utc);
    expect(rfc3339ToMicros('2026-01-30t12:00:00z')).toBe(utc);
    expect(rfc3339ToMicros('2026-01-30 12:00:00Z')).toBe(utc);
    expect(rfc3339ToMicros('2026-01-30T12:00:00+00:00')).toBe(utc);
    expect(rfc3339ToMicros('2026-01-30T12:00:00-00:00')).toBe(utc);
    expect(rfc3339ToMicros('2026-01-31T00:30:00+12:30')).toBe(utc);
  });

  it('handles dates before the epoch, leap days and the far ends of the range', () => {
    expect(rfc3339ToMicros('1969-12-31T23:59:59.999999Z')).toBe(-1n);
    expect(rfc3339ToMicros('2024-02-29T00:00:00Z')).toBe(BigInt(Date.parse('2024-02-29T00:00:00Z')) * 1000n);
    expect(rfc3339ToMicros('2000-02-29T00:00:00Z')).toBe(BigInt(Date.parse('2000-02-29T00:00:00Z')) * 1000n);
    expect(rfc3339ToMicros('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000_000n);
    expect(rfc3339ToMicros('9999-12-31T23:59:59.999999Z')).toBe(253_402_300_799_999_999n);
  });

  it('agrees with Date.parse on many millisecond timestamps', () => {
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor((i * 7_919_993_117) % 8_000_000_000_000) - 1_000_000_000_000;
      const iso = new Date(ms).toISOString();
      expect(rfc3339ToMicros(iso)).toBe(BigInt(ms) * 1000n);
    }
  });

  it('counts a leap second as the next second', () => {
    expect(rfc3339ToMicros('2016-12-31T23:59:60Z')).toBe(rfc3339ToMicros('2017-01-01T00:00:00Z'));
  });

  it.each([
    '',
    '2026-01-30',
    '2026-01-30T12:00:00',
    '2026-01-30T12:00Z',
    '2026-1-30T12:00:00Z',
    '2026-01-30T12:00:00.Z',
    '2026-01-30T12:00:00+0200',
    '2026-01-30T12:00:00+02',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-30T24:00:00Z',
    '2026-01-30T12:60:00Z',
    '2026-01-30T12:00:61Z',
    '2026-01-30T12:00:00+24:00',
    '2026-01-30T12:00:00+02:60',
    ' 2026-01-30T12:00:00Z',
    '2026-01-30T12:00:00Z ',
    '２026-01-30T12:00:00Z',
  ])('throws on %j', (ts) => {
    expect(() => rfc3339ToMicros(ts)).toThrow(RangeError);
  });
});
