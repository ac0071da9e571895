import * as v from 'valibot';
import { HashSchema, SessionIdSchema, TableNameSchema } from './names.js';
import { SealSchema } from './seal.js';

export const HeadSchema = v.object({
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  hash: HashSchema,
});

/** The success answer of an ingest (docs/contract.md §4): 202 accepted, 200 visible or 200 duplicate. */
export const IngestAnswerSchema = v.object({
  status: v.picklist(['accepted', 'visible', 'duplicate']),
  table: TableNameSchema,
  session_id: SessionIdSchema,
  accepted_count: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  duplicate_count: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  head: HeadSchema,
  seal: SealSchema,
  visibility_token: v.string(),
  visible: v.boolean(),
});

export type IngestAnswer = v.InferOutput<typeof IngestAnswerSchema>;
