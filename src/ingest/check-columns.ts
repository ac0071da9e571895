import type { ClientEvent } from '../chain/index.js';
import type { ColumnDef } from '../contracts/index.js';
import { RFC3339_PATTERN } from '../contracts/index.js';
import type { FieldError } from '../errors.js';

const MAX_INT64_JSON = Number.MAX_SAFE_INTEGER;

const CHECKS: Record<ColumnDef['type'], [(v: unknown) => boolean, string]> = {
  string: [(v) => typeof v === 'string', 'must be a string'],
  int64: [
    (v) => Number.isSafeInteger(v) && Math.abs(v as number) <= MAX_INT64_JSON,
    'must be an integer within ±(2^53−1)',
  ],
  double: [(v) => typeof v === 'number' && Number.isFinite(v), 'must be a number'],
  boolean: [(v) => typeof v === 'boolean', 'must be a boolean'],
  timestamp: [
    (v) => typeof v === 'string' && RFC3339_PATTERN.test(v),
    'must be an RFC 3339 date-time string',
  ],
  json: [() => true, ''],
};

/** Checks the payloads' top-level fields against the table's declared column types (docs/contract.md §4). */
export function checkColumns(events: ClientEvent[], columns: ColumnDef[]): FieldError[] {
  if (columns.length === 0) return [];
  const errors: FieldError[] = [];
  events.forEach((ev, i) => {
    for (const col of columns) {
      const value = ev.payload[col.name];
      const path = `/events/${i}/payload/${col.name}`;
      if (value === undefined || value === null) {
        if (col.required) errors.push({ path, message: `is required by column "${col.name}"` });
        continue;
      }
      const [ok, message] = CHECKS[col.type];
      if (!ok(value)) errors.push({ path, message: `${message} (column "${col.name}" is ${col.type})` });
    }
  });
  return errors;
}
