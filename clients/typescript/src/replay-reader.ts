import type { HttpClient } from './http-client.js';
import type { ReplayPageAnswer, ReplayRecord } from './types.js';

export interface ReplayOptions {
  /** Records after this seq (default 0: from the start). */
  afterSeq?: number | undefined;
  /** `pages` (default): JSON pages of `pageSize` events; `ndjson`: one streamed answer. */
  format?: 'pages' | 'ndjson' | undefined;
  /** Events per page, 1..1000 (default 1000). */
  pageSize?: number | undefined;
}

/** Iterates a session's committed records in stored order; memory stays bounded by one page or line. */
export async function* readReplay(
  http: HttpClient,
  table: string,
  sessionId: string,
  opts: ReplayOptions = {},
): AsyncGenerator<ReplayRecord> {
  const path = `/v1/tables/${encodeURIComponent(table)}/sessions/${encodeURIComponent(sessionId)}/events`;
  let after: number | null = opts.afterSeq ?? 0;
  if (opts.format === 'ndjson') {
    const lines = http.lines(path, { query: { after_seq: after }, accept: 'application/x-ndjson' });
    for await (const line of lines) yield JSON.parse(line) as ReplayRecord;
    return;
  }
  while (after !== null) {
    const page: ReplayPageAnswer = await http.json<ReplayPageAnswer>(path, {
      query: { after_seq: after, limit: opts.pageSize ?? 1000 },
    });
    yield* page.events;
    after = page.next_after_seq;
  }
}
