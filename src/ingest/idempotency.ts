import { and, eq } from 'drizzle-orm';
import type { ClientEvent } from '../chain/index.js';
import type { IngestAnswer } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { idempotencyKeys } from '../db/schema.js';

/** Identifies a batch's events: the same request always has the same fingerprint. */
export function fingerprintOf(sessionId: string, events: ClientEvent[]): string {
  const first = events[0]!;
  const last = events[events.length - 1]!;
  return `${sessionId}:${first.seq}:${events.length}:${last.hash}`;
}

export interface RememberedKey {
  fingerprint: string;
  answer: IngestAnswer;
}

export async function lookupIdempotencyKey(
  db: Db,
  tenant: string,
  table: string,
  key: string,
): Promise<RememberedKey | null> {
  const [row] = await db.orm
    .select({ fingerprint: idempotencyKeys.fingerprint, answer: idempotencyKeys.answer })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenant, tenant),
        eq(idempotencyKeys.tableName, table),
        eq(idempotencyKeys.key, key),
      ),
    );
  return row ? { fingerprint: row.fingerprint, answer: row.answer as IngestAnswer } : null;
}

/** Remembers a key with its first answer; the first writer wins. */
export async function rememberIdempotencyKey(
  db: Db,
  tenant: string,
  table: string,
  key: string,
  fingerprint: string,
  answer: IngestAnswer,
): Promise<void> {
  await db.orm
    .insert(idempotencyKeys)
    .values({
      tenant,
      tableName: table,
      key,
      fingerprint,
      sessionId: answer.session_id,
      visibilityToken: answer.visibility_token,
      answer,
    })
    .onConflictDoNothing();
}
