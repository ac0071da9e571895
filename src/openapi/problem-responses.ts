import { PROBLEMS, type ProblemCode } from '../errors.js';
import type { RouteDoc } from './route-table.js';

type Json = Record<string, unknown>;

/** What each code means, for the document's examples (docs/contract.md §4). */
const DETAIL: Partial<Record<ProblemCode, string>> = {
  invalid_request: 'The body, a query parameter or X-Tenant-ID fails the schema; `errors` lists each place.',
  hash_mismatch: 'A recomputed event hash differs; `seq` names the event.',
  broken_link: '`prev_hash` does not link inside the batch; `seq` names the event.',
  unauthorized: 'No API key, or an unknown or revoked one.',
  forbidden: "The key lacks the role, or X-Tenant-ID differs from the key's tenant.",
  not_found: 'Metrics are not enabled.',
  sequence_gap: 'The batch starts above head + 1; carries `expected_seq` and `head`.',
  sequence_conflict: 'The batch does not continue the accepted head; carries `expected_seq` and `head`.',
  concurrent_append: 'Another writer appended first; carries `expected_seq` and `head`.',
  idempotency_key_reused: 'The idempotency key was used in this table for other events.',
  table_exists: 'A live table of that name exists.',
  batch_too_large: 'Over a limit (body bytes, events, or one NATS message); `detail` names it.',
  unsupported_media_type: 'Not application/json, or a Content-Encoding other than gzip or deflate.',
  unavailable:
    'A dependency cannot take the request now; retry after `Retry-After` seconds. Nothing was written.',
  internal: 'A bug; logged with the `request_id`.',
};

/** Codes every authenticated route can answer, besides its own. */
const AUTHENTICATED: readonly ProblemCode[] = ['invalid_request', 'unauthorized', 'forbidden', 'unavailable'];

/** The codes a route documents: its own, the authentication ones, and `internal`. */
export function problemCodes(r: RouteDoc): ProblemCode[] {
  return [...new Set<ProblemCode>([...r.problems, ...(r.role ? AUTHENTICATED : []), 'internal'])];
}

function example(code: ProblemCode): Json {
  const { status, title } = PROBLEMS[code];
  return {
    summary: code,
    value: {
      type: `https://chainlake.dev/problems/${code.replace(/_/g, '-')}`,
      title,
      status,
      code,
      detail: DETAIL[code] ?? title,
    },
  };
}

/** One response per problem status, its `code` narrowed to the route's codes, one example per code. */
export function problemResponses(r: RouteDoc): Record<string, Json> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of problemCodes(r)) {
    const status = PROBLEMS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema = {
      allOf: [
        { $ref: '#/components/schemas/Problem' },
        { properties: { status: { const: status }, code: { enum: codes } } },
      ],
    };
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\``).join(', '),
      ...(status === 503
        ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
        : {}),
      content: {
        'application/problem+json': {
          schema,
          examples: Object.fromEntries(codes.map((c) => [c, example(c)])),
        },
      },
    };
  }
  return out;
}
