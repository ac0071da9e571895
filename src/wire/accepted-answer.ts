import type { Seal } from '../chain/index.js';
import type { IngestAnswer } from '../contracts/index.js';

export interface AnswerParts {
  seal: Seal;
  visibilityToken: string;
  acceptedCount: number;
  duplicateCount: number;
  status: 'accepted' | 'duplicate';
}

/**
 * The success answer of an ingest (docs/contract.md §4), built in one place for ingest and for the committer's
 * idempotency rows, so a duplicate answers byte for byte what the original did.
 */
export function acceptedAnswer(p: AnswerParts): IngestAnswer {
  return {
    status: p.status,
    table: p.seal.table,
    session_id: p.seal.session_id,
    accepted_count: p.acceptedCount,
    duplicate_count: p.duplicateCount,
    head: { seq: p.seal.seq, hash: p.seal.head_hash },
    seal: p.seal,
    visibility_token: p.visibilityToken,
    visible: false,
  };
}
