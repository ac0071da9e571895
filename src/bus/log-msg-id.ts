/**
 * The Nats-Msg-Id of a batch: derived from its content (first seq and head hash), so a retry inside
 * the dedup window is a duplicate whichever process sends it.
 */
export function logMsgId(
  tenant: string,
  table: string,
  sessionId: string,
  fromSeq: number,
  headHash: string,
): string {
  return `${tenant}.${table}.${sessionId}.${fromSeq}.${headHash}`;
}
