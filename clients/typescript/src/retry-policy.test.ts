import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  RETRY_DEFAULTS,
  retryPolicy,
} from './retry-policy.js';

describe('backoffDelay', () => {
  it('doubles its ceiling with each attempt and never exceeds maxDelayMs', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, RETRY_DEFAULTS, undefined, top))).toEqual([
      200, 400, 800, 1600,
    ]);
    expect(backoffDelay(30, RETRY_DEFAULTS, undefined, top)).toBe(5000);
  });

  it('spreads waits between zero and the ceiling (jitter)', () => {
    expect(backoffDelay(3, RETRY_DEFAULTS, undefined, () => 0)).toBe(0);
    expect(backoffDelay(3, RETRY_DEFAULTS, undefined, () => 0.5)).toBe(400);
  });

  it('waits at least Retry-After, but never longer than maxDelayMs', () => {
    expect(backoffDelay(1, RETRY_DEFAULTS, 2, () => 0)).toBe(2000);
    expect(backoffDelay(1, RETRY_DEFAULTS, 3600, () => 0)).toBe(5000);
  });
});

describe('retry helpers', () => {
  it('retries 429 and 5xx gateway/unavailable answers only', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 404, 409, 413, 500].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After in seconds and ignores dates', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('retryPolicy', () => {
  it('keeps a default for an option that is missing or explicitly undefined', () => {
    expect(retryPolicy()).toEqual(RETRY_DEFAULTS);
    expect(retryPolicy({ attempts: 2, baseDelayMs: undefined })).toEqual({ ...RETRY_DEFAULTS, attempts: 2 });
  });
});
