import { signSeal, type ClientEvent, type Seal, type SealKey } from '../chain/index.js';
import { encodeLogBody } from '../wire/index.js';

export interface SealBatchInput {
  tenant: string;
  table: string;
  sessionId: string;
  /** The events that extend the head (never empty). */
  events: ClientEvent[];
  /** Their payloads' JCS texts, as hashed. */
  payloadJcs: string[];
  prevSealHash: string;
}

/** Seals the new events of a batch and encodes the one log message body that carries them. */
export function sealBatch(
  key: SealKey,
  input: SealBatchInput,
  now = new Date(),
): { seal: Seal; data: Uint8Array } {
  const first = input.events[0]!;
  const last = input.events[input.events.length - 1]!;
  const seal = signSeal(
    {
      tenant: input.tenant,
      table: input.table,
      session_id: input.sessionId,
      from_seq: first.seq,
      seq: last.seq,
      head_hash: last.hash,
      prev_seal_hash: input.prevSealHash,
      sealed_at: now.toISOString(),
    },
    key,
  );
  return { seal, data: Buffer.from(encodeLogBody(input.events, input.payloadJcs, seal), 'utf8') };
}
