/**
 * Converts the valibot contracts into the JSON Schemas published in `schemas/`; the export script, the
 * drift test and the OpenAPI document (src/openapi) import this.
 */
import { toJsonSchema, type ConversionConfig, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { EventSchema, JsonObjectSchema } from './event.js';
import { IngestAnswerSchema } from './ingest-answer.js';
import { IngestRequestSchema } from './ingest-request.js';
import { ProblemSchema } from './problem.js';
import { WELL_FORMED } from './names.js';
import { SealSchema } from './seal.js';
import { BUILTIN_COLUMNS, ColumnSchema, CreateTableSchema } from './table.js';

const SCHEMA_BASE_URL = 'https://chainlake.dev/schemas/';

interface Contract {
  name: string;
  schema: v.GenericSchema;
  title: string;
  description: string;
}

/** Every published contract; `name` becomes `schemas/<name>.schema.json`. */
const CONTRACTS: readonly Contract[] = [
  {
    name: 'event',
    schema: EventSchema,
    title: 'chainlake event',
    description: 'A client event of a session hash chain (contract §2). Unknown members are refused.',
  },
  {
    name: 'ingest-request',
    schema: IngestRequestSchema,
    title: 'chainlake ingest request',
    description:
      'The body of POST /v1/ingest/{table} and of a NATS ingest request (contract §4). ' +
      'The upper bound on events is a configurable limit answered with 413 batch_too_large.',
  },
  {
    name: 'ingest-answer',
    schema: IngestAnswerSchema,
    title: 'chainlake ingest answer',
    description: 'The success answer of an ingest: 202 accepted, 200 visible or 200 duplicate (contract §4).',
  },
  {
    name: 'seal',
    schema: SealSchema,
    title: 'chainlake seal',
    description:
      'A CHAIN_SEAL, the Ed25519-signed record the server appends after every accepted batch (contract §3).',
  },
  {
    name: 'problem',
    schema: ProblemSchema,
    title: 'chainlake problem',
    description: 'An RFC 9457 application/problem+json error body as chainlake sends it (contract §4).',
  },
  {
    name: 'create-table',
    schema: CreateTableSchema,
    title: 'chainlake table definition',
    description: 'The body of POST /v1/tables (contract §4). Column names must be unique.',
  },
  {
    name: 'column',
    schema: ColumnSchema,
    title: 'chainlake column',
    description: "A declared column: it takes the payload's top-level field of that name (contract §4, §6).",
  },
];

/**
 * JSON Schema equivalents of the `check` actions, keyed by their message. An unknown check makes the
 * export throw, so a new rule is never dropped silently.
 */
const CHECKS: Record<string, (current: JsonSchema) => JsonSchema> = {
  'CHAIN_SEAL is reserved for the server': (s) => ({ ...s, not: { const: 'CHAIN_SEAL' } }),
  'is a built-in column name': (s) => ({ ...s, not: { enum: [...BUILTIN_COLUMNS] } }),
  [WELL_FORMED]: (s) => ({ ...s, $comment: 'no lone surrogates (well-formed UTF-16)' }),
  // Uniqueness by one member has no JSON Schema keyword; the server enforces it.
  'column names must be unique': (s) => ({ ...s, $comment: 'column names must be unique' }),
};

const CONFIG: ConversionConfig = {
  target: 'draft-2020-12',
  // Anything else the converter cannot express fails the export instead of weakening a schema.
  errorMode: 'throw',
  overrideSchema: ({ valibotSchema }) =>
    valibotSchema === JsonObjectSchema ? { type: 'object' } : undefined,
  overrideAction: ({ valibotAction, jsonSchema }) => {
    if (valibotAction.type !== 'check') return undefined;
    const message: unknown = (valibotAction as { message?: unknown }).message;
    return typeof message === 'string' ? CHECKS[message]?.(jsonSchema) : undefined;
  },
};

/** The JSON Schema of every contract, keyed by its file name in `schemas/` (e.g. `event.schema.json`). */
export function contractJsonSchemas(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const c of CONTRACTS) {
    const { $schema, ...body } = toJsonSchema(c.schema, CONFIG);
    const file = `${c.name}.schema.json`;
    // Header keys first, then the converter's (deterministic) order.
    out[file] = { $schema, $id: SCHEMA_BASE_URL + file, title: c.title, description: c.description, ...body };
  }
  return out;
}

/** The exact text of a schema file: 2-space JSON with a trailing newline. */
export function jsonSchemaText(schema: object): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
