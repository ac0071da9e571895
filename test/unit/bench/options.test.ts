import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../bench/options.js';

describe('--small-payload', () => {
  it('runs a 200 B storage phase by default, none with 0, and refuses sizes below 200', () => {
    expect(parseOptions([]).smallPayloadBytes).toBe(200);
    expect(parseOptions(['--small-payload', '0']).smallPayloadBytes).toBe(0);
    expect(parseOptions(['--small-payload', '300']).smallPayloadBytes).toBe(300);
    expect(() => parseOptions(['--small-payload', '50'])).toThrow(
      /--small-payload must be a number from 200/,
    );
  });
});
