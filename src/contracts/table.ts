import * as v from 'valibot';
import { TABLE_PATTERN, TableNameSchema, WELL_FORMED } from './names.js';

/** Columns every lake row has (docs/contract.md §6); a declared column may not take one of these names. */
export const BUILTIN_COLUMNS = [
  'session_id',
  'seq',
  'kind',
  'type',
  'ts',
  'payload',
  'prev_hash',
  'hash',
  'visibility_token',
  'ingested_at',
] as const;

export const ColumnSchema = v.strictObject({
  name: v.pipe(
    v.string(),
    v.regex(TABLE_PATTERN, 'must match ^[a-z][a-z0-9_]{0,62}$'),
    v.check((n) => !(BUILTIN_COLUMNS as readonly string[]).includes(n), 'is a built-in column name'),
  ),
  type: v.picklist(
    ['string', 'int64', 'double', 'boolean', 'timestamp', 'json'],
    'must be one of string, int64, double, boolean, timestamp, json',
  ),
  required: v.optional(v.boolean(), false),
});

/** A declared column of a table (contract §4 "Tables"), as stored in the catalog. */
export type ColumnDef = v.InferInput<typeof ColumnSchema>;

/** The body of `POST /v1/tables`. */
export const CreateTableSchema = v.pipe(
  v.strictObject({
    name: TableNameSchema,
    // Postgres text cannot hold U+0000; a lone surrogate would be stored as U+FFFD.
    description: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(1000),
        v.regex(/^[^\u0000]*$/, 'must not contain U+0000'),
        v.check((d) => d.isWellFormed(), WELL_FORMED),
      ),
      '',
    ),
    columns: v.optional(v.pipe(v.array(ColumnSchema), v.maxLength(200)), []),
  }),
  v.forward(
    v.check(
      (t) => new Set(t.columns.map((c) => c.name)).size === t.columns.length,
      'column names must be unique',
    ),
    ['columns'],
  ),
);

export type CreateTable = v.InferOutput<typeof CreateTableSchema>;
