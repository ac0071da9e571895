import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, quoteIdent, withDatabase } from './connection-url.js';

describe('parseDatabaseUrl', () => {
  it('reads database, TCP host and port, and derives the maintenance URL', () => {
    expect(parseDatabaseUrl('postgres://postgres@127.0.0.1:5432/chainlake?sslmode=disable')).toEqual({
      database: 'chainlake',
      tcp: { host: '127.0.0.1', port: 5432 },
      maintenanceUrl: 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable',
    });
    expect(parseDatabaseUrl('postgresql://u:p%40ss@[::1]/x').tcp).toEqual({ host: '::1', port: 5432 });
  });

  it('leaves unix sockets and multi-host URLs to postgres.js', () => {
    expect(parseDatabaseUrl('postgres://a:1,b:2/db')).toMatchObject({ database: 'db', tcp: null });
    expect(parseDatabaseUrl('postgres://u@/db?host=/var/run/postgresql').tcp).toBeNull();
  });

  it('refuses other schemes without echoing the URL', () => {
    expect(() => parseDatabaseUrl('mysql://root:secret@h/db')).toThrow(/postgres:\/\//);
    expect(() => parseDatabaseUrl('mysql://root:secret@h/db')).not.toThrow(/secret/);
  });
});

describe('withDatabase and quoteIdent', () => {
  it('swaps only the database and quotes identifiers', () => {
    expect(withDatabase('postgres://u@h:1/a?x=1', 'b c')).toBe('postgres://u@h:1/b%20c?x=1');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
  });
});
