import { describe, expect, it } from 'vitest';
import { isConnectionError, pgErrorCode } from './is-connection-error.js';

const pgError = (code: string) => Object.assign(new Error('pg'), { name: 'PostgresError', code });

describe('isConnectionError', () => {
  it('recognises socket, driver and server-going-away errors, also inside drizzle wrappers', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'CONNECTION_CLOSED',
      'CONNECT_TIMEOUT',
      '57P01',
      '08006',
    ]) {
      expect(isConnectionError(Object.assign(new Error(code), { code })), code).toBe(true);
    }
    expect(isConnectionError(new Error('query failed', { cause: pgError('57P01') }))).toBe(true);
    expect(
      isConnectionError(new AggregateError([Object.assign(new Error(), { code: 'ECONNREFUSED' })])),
    ).toBe(true);
  });

  it('does not treat statement errors as outages', () => {
    expect(isConnectionError(pgError('23505'))).toBe(false);
    expect(isConnectionError(new Error('boom'))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});

describe('pgErrorCode', () => {
  it('finds the SQLSTATE through a wrapper', () => {
    expect(pgErrorCode(new Error('wrapped', { cause: pgError('42P04') }))).toBe('42P04');
    expect(pgErrorCode(new Error('plain'))).toBeUndefined();
  });
});
