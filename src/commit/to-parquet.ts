import { parquetWriteBuffer } from 'hyparquet-writer';
import { compressSync } from 'snappy';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { canonicalJson } from '../chain/index.js';
import { BUILTIN_COLUMNS } from '../contracts/index.js';
import type { ColumnDef, LakeRecord } from './lake-record.js';
import { rfc3339ToMicros } from '../contracts/index.js';

/** The fixed leading columns of every lake file (docs/contract.md §6), in order; declared columns follow. */
export const CORE_COLUMNS = BUILTIN_COLUMNS;

const ROW_GROUP_ROWS = 10_000;
const UNIQUE_COLUMNS = new Set(['payload', 'prev_hash', 'hash']);

type Physical = Omit<SchemaElement, 'name' | 'repetition_type'>;
const STRING: Physical = { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
const INT64: Physical = { type: 'INT64' };
const DOUBLE: Physical = { type: 'DOUBLE' };
const BOOLEAN: Physical = { type: 'BOOLEAN' };
// UTC-adjusted micros: readers see TIMESTAMP WITH TIME ZONE; the converted type is for old readers.
const TIMESTAMP: Physical = {
  type: 'INT64',
  converted_type: 'TIMESTAMP_MICROS',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
};

// JSON logical type over UTF-8 bytes of the JCS text: DuckDB and others see JSON; the converted type
// stays UTF8 so writers and readers keep the exact text (a JSON converted type re-serialises values).
const JSON_TEXT: Physical = { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'JSON' } };

const DECLARED: Record<ColumnDef['type'], Physical> = {
  string: STRING,
  int64: INT64,
  double: DOUBLE,
  boolean: BOOLEAN,
  timestamp: TIMESTAMP,
  json: JSON_TEXT,
};

/**
 * Encodes records as one Parquet file (docs/contract.md §6): the core columns, then the declared columns
 * (nullable). The bytes depend only on the input, so a retried commit writes an identical file.
 */
export function toParquet(records: readonly LakeRecord[], columns: readonly ColumnDef[]): Uint8Array {
  const core: [string, Physical, unknown[]][] = [
    ['session_id', STRING, records.map((r) => r.session_id)],
    ['seq', INT64, records.map((r) => BigInt(r.seq))],
    ['kind', STRING, records.map((r) => r.kind)],
    ['type', STRING, records.map((r) => r.type)],
    ['ts', TIMESTAMP, records.map((r) => rfc3339ToMicros(r.ts))],
    ['payload', STRING, records.map((r) => r.payload)],
    ['prev_hash', STRING, records.map((r) => r.prev_hash)],
    ['hash', STRING, records.map((r) => r.hash)],
    ['visibility_token', STRING, records.map((r) => r.visibility_token)],
    ['ingested_at', TIMESTAMP, records.map((r) => BigInt(r.ingested_at.getTime()) * 1000n)],
  ];
  const schema: SchemaElement[] = [{ name: 'root', num_children: core.length + columns.length }];
  const columnData: ColumnSource[] = [];
  for (const [name, physical, data] of core) {
    schema.push({ name, ...physical, repetition_type: 'REQUIRED' });
    // Payloads and hashes are unique per row: a dictionary never pays, nor do min/max statistics.
    const unique = UNIQUE_COLUMNS.has(name);
    columnData.push(
      unique
        ? { name, data, nullable: false, encoding: 'PLAIN', statistics: false }
        : { name, data, nullable: false },
    );
  }
  const seen = new Set<string>(CORE_COLUMNS);
  for (const col of columns) {
    if (seen.has(col.name)) {
      throw new Error(`declared column ${JSON.stringify(col.name)} collides with another column`);
    }
    seen.add(col.name);
    schema.push({ name: col.name, ...DECLARED[col.type], repetition_type: 'OPTIONAL' });
    columnData.push({
      name: col.name,
      data: records.map((r) => declaredValue(col, r.fields?.[col.name])),
      nullable: true,
    });
  }
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    codec: 'SNAPPY',
    // The native codec (prebuilt, no install script) compresses ~3x faster than the bundled JS one.
    compressors: { SNAPPY: (input: Uint8Array) => compressSync(input) },
    rowGroupSize: ROW_GROUP_ROWS,
    createdBy: 'chainlake',
  });
  return new Uint8Array(buffer);
}

/**
 * A payload field as its column's physical value. Ingest checks declared types, so a mismatch only
 * arises for a table re-created with other types: the cell is null, the payload column keeps the data.
 */
function declaredValue(col: ColumnDef, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (col.type) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'int64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      if (typeof value === 'bigint') return value;
      break;
    case 'double':
      if (typeof value === 'number') return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'timestamp':
      if (typeof value === 'string') return timestampOrNull(value);
      break;
    case 'json':
      return canonicalJson(value);
  }
  return null;
}

function timestampOrNull(value: string): bigint | null {
  try {
    return rfc3339ToMicros(value);
  } catch {
    return null;
  }
}
