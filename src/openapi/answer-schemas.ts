import * as v from 'valibot';
import {
  HashSchema,
  HeadSchema,
  SealSchema,
  SessionIdSchema,
  TableNameSchema,
  TimestampSchema,
} from '../contracts/index.js';

/** Success bodies the contract describes in prose (docs/contract.md §4); the ingest answer has its own contract. */

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const IsoTime = v.pipe(v.string(), v.isoTimestamp());

/** A declared column as the API shows it (`required` always present). */
export const ColumnInfoSchema = v.looseObject({
  name: TableNameSchema,
  type: v.picklist(['string', 'int64', 'double', 'boolean', 'timestamp', 'json']),
  required: v.boolean(),
});

export const TableInfoSchema = v.looseObject({
  name: TableNameSchema,
  description: v.string(),
  columns: v.array(ColumnInfoSchema),
  created_at: IsoTime,
});

export const TableListSchema = v.looseObject({ tables: v.array(TableInfoSchema) });

export const SessionInfoSchema = v.looseObject({
  table: TableNameSchema,
  session_id: SessionIdSchema,
  accepted_head: v.nullable(HeadSchema),
  committed_head: v.nullable(HeadSchema),
  last_seal: v.nullable(SealSchema),
  event_count: Count,
  seal_count: Count,
  first_ts: v.nullable(TimestampSchema),
  last_ts: v.nullable(TimestampSchema),
});

/** A replayed client event: the fields of docs/contract.md §2 plus `table`, `session_id`, `kind`, `status`, token. */
export const EventRecordSchema = v.looseObject({
  table: TableNameSchema,
  session_id: SessionIdSchema,
  kind: v.literal('event'),
  seq: Seq,
  type: v.string(),
  ts: TimestampSchema,
  payload: v.record(v.string(), v.unknown()),
  prev_hash: HashSchema,
  hash: HashSchema,
  status: v.literal('AUTHORITATIVE'),
  visibility_token: v.string(),
});

/** A replayed seal: every field of docs/contract.md §3 plus `kind`. */
export const SealRecordSchema = v.looseObject({ kind: v.literal('seal'), ...SealSchema.entries });

export const ReplayPageSchema = v.looseObject({
  events: v.array(v.union([EventRecordSchema, SealRecordSchema])),
  next_after_seq: v.nullable(Seq),
  watermark: v.string(),
});

export const VerifyReportSchema = v.looseObject({
  valid: v.boolean(),
  checked_events: Count,
  checked_seals: Count,
  errors: v.array(v.looseObject({ seq: v.number(), code: v.string(), detail: v.string() })),
});

export const WatermarkSchema = v.looseObject({
  watermark: v.string(),
  snapshot_id: v.nullable(Seq),
  committed_at: v.nullable(IsoTime),
  lag: v.looseObject({ messages: Count, seconds: v.pipe(v.number(), v.minValue(0)) }),
});

export const VisibilitySchema = v.looseObject({ visible: v.boolean(), watermark: v.string() });

export const SnapshotSchema = v.looseObject({
  snapshot_id: Seq,
  parent_id: v.nullable(Seq),
  watermark: v.string(),
  committed_at: IsoTime,
  added_files: Count,
  added_rows: Count,
  total_files: Count,
  total_rows: Count,
});

export const SnapshotListSchema = v.looseObject({ snapshots: v.array(SnapshotSchema) });

/** One snapshot with ALL files live in the table at that snapshot (cumulative). */
export const SnapshotDetailSchema = v.looseObject({
  ...SnapshotSchema.entries,
  files: v.array(v.looseObject({ key: v.string(), url: v.string(), rows: Count, bytes: Count })),
});

export const RejectionListSchema = v.looseObject({
  rejections: v.array(
    v.looseObject({
      id: v.pipe(v.string(), v.regex(/^\d+$/)),
      table: TableNameSchema,
      session_id: v.nullable(v.string()),
      code: v.string(),
      detail: v.string(),
      msg_id: v.nullable(v.string()),
      received_at: IsoTime,
      redriven_at: v.nullable(IsoTime),
    }),
  ),
});

export const JwksSchema = v.looseObject({
  keys: v.array(
    v.looseObject({ kty: v.literal('OKP'), crv: v.literal('Ed25519'), x: v.string(), kid: v.string() }),
  ),
});

export const HealthSchema = v.looseObject({ status: v.literal('ok') });

export const ReadySchema = v.looseObject({
  status: v.picklist(['ready', 'not_ready']),
  checks: v.record(v.string(), v.string()),
});
