/** The parts of a `postgres://user@host:port/db?…` URL that chainlake needs before connecting. */
export interface ParsedDatabaseUrl {
  /** The database name, or '' when the URL names none (postgres.js then uses the user name). */
  database: string;
  /** Set only for a single TCP host; null for a unix socket or a multi-host URL. */
  tcp: { host: string; port: number } | null;
  /** The same server and user, database `postgres`: where CREATE/DROP DATABASE run. */
  maintenanceUrl: string;
}

const URL_RE = /^(postgres(?:ql)?:\/\/[^/?#]*)(?:\/([^?#]*))?(\?[^#]*)?$/;

/** Parses a Postgres URL, or throws an Error saying what is wrong (never echoing a password). */
export function parseDatabaseUrl(databaseUrl: string): ParsedDatabaseUrl {
  const m = URL_RE.exec(databaseUrl);
  if (!m) throw new Error('database URL must look like postgres://user@host:port/database');
  const [, server = '', path = '', query = ''] = m;
  let database: string;
  try {
    database = decodeURIComponent(path);
  } catch {
    throw new Error('database URL has a badly escaped database name');
  }
  const params = new URLSearchParams(query);
  let tcp: ParsedDatabaseUrl['tcp'] = null;
  if (!params.has('host') && !server.includes(',')) {
    try {
      const url = new URL(server);
      if (url.hostname !== '') {
        tcp = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 5432 };
      }
    } catch {
      tcp = null;
    }
  }
  return { database, tcp, maintenanceUrl: `${server}/postgres${query}` };
}

/** Replaces the database of a Postgres URL, keeping server, user and parameters. */
export function withDatabase(databaseUrl: string, database: string): string {
  const m = URL_RE.exec(databaseUrl);
  if (!m) throw new Error('database URL must look like postgres://user@host:port/database');
  return `${m[1]}/${encodeURIComponent(database)}${m[3] ?? ''}`;
}

/** Quotes an SQL identifier (for statements that take no parameters, like CREATE DATABASE). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
