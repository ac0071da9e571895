import * as v from 'valibot';

/** Name patterns of docs/contract.md §1: they appear in NATS subjects, object keys and SQL. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const TABLE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
export const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** RFC 3339 date-time with a mandatory offset or Z. */
export const RFC3339_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The message of the check that a string holds no lone surrogate (not expressible in JSON Schema). */
export const WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';

export const TenantSchema = v.pipe(
  v.string(),
  v.regex(TENANT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$'),
);
export const TableNameSchema = v.pipe(
  v.string(),
  v.regex(TABLE_PATTERN, 'must match ^[a-z][a-z0-9_]{0,62}$'),
);
export const SessionIdSchema = v.pipe(
  v.string('must be a string'),
  v.regex(SESSION_ID_PATTERN, 'must match ^[A-Za-z0-9_-]{1,128}$'),
);
export const HashSchema = v.pipe(
  v.string('must be a string'),
  v.regex(HASH_PATTERN, 'must be 64 lowercase hex digits'),
);
export const TimestampSchema = v.pipe(
  v.string('must be a string'),
  v.regex(RFC3339_PATTERN, 'must be an RFC 3339 date-time with an offset or Z'),
);
