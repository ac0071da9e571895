/**
 * A visibility token names the stream sequence of the message that accepted a batch. It is opaque to
 * clients; the version prefix leaves room to change the encoding (e.g. partitioned logs) later.
 */
export function toVisibilityToken(streamSeq: number): string {
  return `v1.${streamSeq}`;
}

/** The stream sequence of a token, or null when the string is not a token of ours. */
export function parseVisibilityToken(token: string): number | null {
  const m = /^v1\.([1-9]\d{0,15})$/.exec(token);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}
