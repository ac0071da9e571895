import { describe, expect, it } from 'vitest';
import { parseNatsServers } from './nats-servers.js';

describe('parseNatsServers', () => {
  it('takes one server as it is', () => {
    expect(parseNatsServers('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'] });
  });
  it('splits a cluster list', () => {
    expect(parseNatsServers('nats://a:1, nats://b:2,nats://c:3').servers).toEqual([
      'nats://a:1',
      'nats://b:2',
      'nats://c:3',
    ]);
  });
  it('moves user and password out of the URL', () => {
    expect(parseNatsServers('nats://chain%40lake:p%3Ass@h:4222,nats://h2:4222')).toEqual({
      servers: ['nats://h:4222', 'nats://h2:4222'],
      user: 'chain@lake',
      pass: 'p:ss',
    });
  });
  it('reads a lone user name as a token', () => {
    expect(parseNatsServers('tls://s3cr3t@h:4222')).toEqual({ servers: ['tls://h:4222'], token: 's3cr3t' });
  });
});
