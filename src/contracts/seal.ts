import * as v from 'valibot';
import { HashSchema, SessionIdSchema, TableNameSchema, TenantSchema, TimestampSchema } from './names.js';

const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** A CHAIN_SEAL as the server emits it (docs/contract.md §3). */
export const SealSchema = v.object({
  type: v.literal('CHAIN_SEAL'),
  tenant: TenantSchema,
  table: TableNameSchema,
  session_id: SessionIdSchema,
  from_seq: Seq,
  seq: Seq,
  head_hash: HashSchema,
  prev_seal_hash: HashSchema,
  sealed_at: TimestampSchema,
  key_id: v.string(),
  signature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url')),
  hash: HashSchema,
});
