import { randomBytes } from 'node:crypto';

/** Everything tests create on shared servers starts with this (streams: upper-cased `CLT…`). */
export const TEST_PREFIX_START = 'clt';

/**
 * A fresh prefix for one test's NATS subjects and streams, e.g. `clt7f3k2ingest`: matches
 * `^[a-z][a-z0-9_-]{0,31}$`; global setup deletes `CLT…` streams left by crashed runs.
 */
export function uniquePrefix(label: string): string {
  const rand = randomBytes(8)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .padEnd(6, '0')
    .slice(0, 6);
  const tail = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 32 - TEST_PREFIX_START.length - rand.length);
  return `${TEST_PREFIX_START}${rand}${tail}`;
}
