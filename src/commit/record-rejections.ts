import type { LogMessage } from '../bus/index.js';
import { parseEventsSubject } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { rejections } from '../db/schema.js';
import type { NonRetriableError } from '../errors.js';

/** Stores why log messages can never commit, with their bodies so they can be inspected or re-driven. */
export async function recordRejections(
  db: Db,
  prefix: string,
  stream: string,
  failures: { msg: LogMessage; err: NonRetriableError }[],
): Promise<void> {
  if (failures.length === 0) return;
  await db.orm.insert(rejections).values(
    failures.map(({ msg, err }) => {
      const where = parseEventsSubject(prefix, msg.subject);
      return {
        tenant: where?.tenant ?? '',
        tableName: where?.table ?? '',
        sessionId: where?.sessionId ?? null,
        code: err.code,
        detail: err.message,
        msgId: msg.header('Nats-Msg-Id') ?? null,
        stream,
        streamSeq: msg.streamSeq,
        body: new TextDecoder().decode(msg.data).replace(/\u0000/g, '\uFFFD'),
      };
    }),
  );
}
