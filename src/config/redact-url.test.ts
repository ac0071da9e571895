import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('hides passwords, NATS tokens and password parameters, keeping user, host and database', () => {
    expect(redactUrl('postgres://app:s3cret@db.internal:5432/chainlake')).toBe(
      'postgres://app:***@db.internal:5432/chainlake',
    );
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/chainlake')).toBe(
      'postgres://postgres@127.0.0.1:5432/chainlake',
    );
    expect(redactUrl('postgres://app@h/db?sslmode=require&password=x')).toBe(
      'postgres://app@h/db?sslmode=require&password=***',
    );
    expect(redactUrl('nats://tok3n@n1:4222,nats://u:p@n2:4222,nats://n3:4222')).toBe(
      'nats://***@n1:4222,nats://u:***@n2:4222,nats://n3:4222',
    );
  });
});
