/**
 * Splits a producer subject `{prefix}.{kind}.{tenant}.{table}` (kind `ingest` or `raw`) into its
 * tokens; null when the subject is not of that shape. The tokens are not yet checked against §1.
 */
export function parseProducerSubject(
  prefix: string,
  kind: 'ingest' | 'raw',
  subject: string,
): { tenant: string; table: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== prefix || parts[1] !== kind) return null;
  return { tenant: parts[2]!, table: parts[3]! };
}
