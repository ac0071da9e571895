import * as v from 'valibot';
import { HeadSchema } from './ingest-answer.js';

/** An RFC 9457 problem body as chainlake sends it (docs/contract.md §4 "Precisely"). */
export const ProblemSchema = v.looseObject({
  type: v.string(),
  title: v.string(),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  code: v.string(),
  detail: v.string(),
  seq: v.optional(v.number()),
  expected_seq: v.optional(v.number()),
  head: v.optional(v.nullable(HeadSchema)),
  errors: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
  request_id: v.optional(v.string()),
});

export type Problem = v.InferOutput<typeof ProblemSchema>;
