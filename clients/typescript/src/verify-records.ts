import { keysFromJwks, verifyChain, type ChainReport, type Jwks } from './chain/index.js';

/**
 * Verifies replayed records offline (docs/contract.md §3–§4): every event hash and link, every seal's signature
 * against the JWKS, the seal chain and each head_hash. Records must start at seq 1, in stored order.
 */
export function verifyRecords(
  records: unknown[],
  jwks: Jwks,
  expect?: { table?: string; session_id?: string },
): ChainReport {
  return verifyChain(records, keysFromJwks(jwks), expect);
}

/** Parses NDJSON text into records; a line that is not JSON is kept as its text, so it is reported. */
export function parseNdjson(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}
