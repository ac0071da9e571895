/** Subject and stream names derived from the configured prefix (docs/contract.md §5). */
export interface BusNames {
  prefix: string;
  eventsStream: string;
  rawStream: string;
  /** Durable name of the committer's pull consumer. */
  committerDurable: string;
  /** Durable name of the raw-stream gatekeeper. */
  gatekeeperDurable: string;
  events(tenant: string, table: string, sessionId: string): string;
  ingest(tenant: string, table: string): string;
  raw(tenant: string, table: string): string;
  outcome(tenant: string, table: string): string;
  /** Published after each commit so waiters wake without polling. */
  committed: string;
}

export function busNames(prefix: string): BusNames {
  const upper = prefix.toUpperCase().replace(/-/g, '_');
  return {
    prefix,
    eventsStream: `${upper}_EVENTS`,
    rawStream: `${upper}_RAW`,
    committerDurable: `${upper}_COMMITTER`,
    gatekeeperDurable: `${upper}_GATEKEEPER`,
    events: (tenant, table, sessionId) => `${prefix}.events.${tenant}.${table}.${sessionId}`,
    ingest: (tenant, table) => `${prefix}.ingest.${tenant}.${table}`,
    raw: (tenant, table) => `${prefix}.raw.${tenant}.${table}`,
    outcome: (tenant, table) => `${prefix}.outcome.${tenant}.${table}`,
    committed: `${prefix}.committed`,
  };
}

/** Splits `{prefix}.events.{tenant}.{table}.{session}`; null when the subject is not of that shape. */
export function parseEventsSubject(
  prefix: string,
  subject: string,
): { tenant: string; table: string; sessionId: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 5 || parts[0] !== prefix || parts[1] !== 'events') return null;
  return { tenant: parts[2]!, table: parts[3]!, sessionId: parts[4]! };
}
