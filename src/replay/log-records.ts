import { readSessionLog, toVisibilityToken, type Bus } from '../bus/index.js';
import { batchRecords, decodeLogBody } from '../wire/index.js';
import type { SessionKey } from './read-records.js';

/**
 * A session's records read from the log (accepted, committed or not) as NDJSON lines: for a committed
 * session, byte for byte what replay from Postgres gives (both come from src/wire batchRecords). The log
 * holds the retained window only (docs/contract.md §5).
 */
export async function* replayFromLog(bus: Bus, k: SessionKey, afterSeq = 0): AsyncGenerator<string> {
  const subject = bus.names.events(k.tenant, k.table, k.sessionId);
  for await (const batch of readSessionLog(bus, subject)) {
    let lines: string;
    try {
      const body = decodeLogBody(new TextDecoder().decode(batch.data), batch.signed);
      lines = batchRecords(
        { tenant: k.tenant, table: k.table, sessionId: k.sessionId },
        toVisibilityToken(batch.streamSeq),
        body,
      ).lines;
    } catch (err) {
      throw new Error(`log message ${batch.streamSeq} is not a batch envelope`, { cause: err });
    }
    if (afterSeq > 0)
      lines = lines
        .split('\n')
        .filter((l) => l !== '' && (JSON.parse(l) as { seq: number }).seq > afterSeq)
        .map((l) => l + '\n')
        .join('');
    if (lines.length > 0) yield lines;
  }
}
