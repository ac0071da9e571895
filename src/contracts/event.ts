import * as v from 'valibot';
import { EVENT_TYPE_PATTERN, HashSchema, TimestampSchema } from './names.js';

/** A JSON object (not an array, not null). */
export const JsonObjectSchema = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  'must be a JSON object',
);

/** A client event of docs/contract.md §2; unknown members are refused so nothing unhashed rides along. */
export const EventSchema = v.strictObject({
  seq: v.pipe(
    v.number('must be a number'),
    v.safeInteger('must be an integer'),
    v.minValue(1, 'must be at least 1'),
  ),
  type: v.pipe(
    v.string('must be a string'),
    v.regex(EVENT_TYPE_PATTERN, 'must match ^[A-Za-z][A-Za-z0-9_.:-]{0,127}$'),
    v.check((t) => t !== 'CHAIN_SEAL', 'CHAIN_SEAL is reserved for the server'),
  ),
  ts: TimestampSchema,
  payload: JsonObjectSchema,
  prev_hash: HashSchema,
  hash: HashSchema,
});

export type Event = v.InferOutput<typeof EventSchema>;
