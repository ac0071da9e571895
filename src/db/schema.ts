import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { ColumnDef } from '../contracts/table.js';

/** Every query against these tables carries `tenant` in its WHERE (style point 11). */

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** API keys, stored only as SHA-256 hashes of the secret. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenant: text('tenant').notNull(),
    roles: text('roles').array().notNull(),
    keyHash: text('key_hash').notNull().unique(),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenant)],
);

/** The table catalog. A deleted table keeps its row (deleted_at set) so data and replay stay. */
export const lakeTables = pgTable(
  'lake_tables',
  {
    tenant: text('tenant').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    columns: jsonb('columns').$type<ColumnDef[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.name] })],
);

/** Idempotency keys, remembered for as long as the table exists (beyond JetStream's dedup window). */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenant: text('tenant').notNull(),
    tableName: text('table_name').notNull(),
    key: text('key').notNull(),
    /** Identifies the batch's events: session, first seq, count and last hash. */
    fingerprint: text('fingerprint').notNull(),
    sessionId: text('session_id').notNull(),
    visibilityToken: text('visibility_token').notNull(),
    /** The original success answer, replayed with status "duplicate". */
    answer: jsonb('answer').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.tableName, t.key] })],
);

/**
 * One row per committed log message (an accepted batch): its events and seal as the exact NDJSON lines
 * replay serves (src/wire), so a replay page or stream is a slice or concatenation of stored text.
 */
export const batches = pgTable(
  'batches',
  {
    tenant: text('tenant').notNull(),
    tableName: text('table_name').notNull(),
    sessionId: text('session_id').notNull(),
    /** The batch's first and last event seq; its seal has seq `to_seq`. */
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    toSeq: bigint('to_seq', { mode: 'number' }).notNull(),
    streamSeq: bigint('stream_seq', { mode: 'number' }).notNull(),
    eventCount: integer('event_count').notNull(),
    firstTs: text('first_ts').notNull(),
    lastTs: text('last_ts').notNull(),
    ingestedAt: timestamp('ingested_at', { withTimezone: true }).notNull(),
    /** One replay record a line (events in seq order, then the seal), each ending in a newline. */
    records: text('records').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.tableName, t.sessionId, t.fromSeq] })],
);

/** The committed head and counters of each session. */
export const sessions = pgTable(
  'sessions',
  {
    tenant: text('tenant').notNull(),
    tableName: text('table_name').notNull(),
    sessionId: text('session_id').notNull(),
    headSeq: bigint('head_seq', { mode: 'number' }).notNull(),
    headHash: text('head_hash').notNull(),
    lastSeal: jsonb('last_seal'),
    lastSealHash: text('last_seal_hash'),
    eventCount: bigint('event_count', { mode: 'number' }).notNull().default(0),
    sealCount: bigint('seal_count', { mode: 'number' }).notNull().default(0),
    lastStreamSeq: bigint('last_stream_seq', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.tableName, t.sessionId] })],
);

/** Parquet files registered in the lake; a file belongs to every snapshot from `snapshot_id` on. */
export const lakeFiles = pgTable(
  'lake_files',
  {
    tenant: text('tenant').notNull(),
    tableName: text('table_name').notNull(),
    key: text('key').notNull(),
    rows: integer('rows').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    minStreamSeq: bigint('min_stream_seq', { mode: 'number' }).notNull(),
    maxStreamSeq: bigint('max_stream_seq', { mode: 'number' }).notNull(),
    snapshotId: bigint('snapshot_id', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.tableName, t.key] }),
    index('lake_files_snapshot_idx').on(t.tenant, t.tableName, t.snapshotId),
  ],
);

/** One row per commit that touched a table. */
export const snapshots = pgTable(
  'snapshots',
  {
    tenant: text('tenant').notNull(),
    tableName: text('table_name').notNull(),
    snapshotId: bigint('snapshot_id', { mode: 'number' }).notNull(),
    parentId: bigint('parent_id', { mode: 'number' }),
    watermarkSeq: bigint('watermark_seq', { mode: 'number' }).notNull(),
    committedAt: timestamp('committed_at', { withTimezone: true }).notNull(),
    addedFiles: integer('added_files').notNull(),
    addedRows: bigint('added_rows', { mode: 'number' }).notNull(),
    totalFiles: integer('total_files').notNull(),
    totalRows: bigint('total_rows', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.tableName, t.snapshotId] })],
);

/**
 * The committed watermark of a log stream: every message at or below `watermark_seq` is done.
 * Each commit transaction locks this row, which serialises the commit check (fencing).
 */
export const streamProgress = pgTable('stream_progress', {
  stream: text('stream').primaryKey(),
  watermarkSeq: bigint('watermark_seq', { mode: 'number' }).notNull().default(0),
  committedAt: timestamp('committed_at', { withTimezone: true }),
  /** The stream's creation time: a stream deleted and re-created under the same name must not inherit this watermark. */
  streamCreated: text('stream_created'),
});

/** Messages done above the watermark (committed or poisoned); pruned as the watermark passes them. */
export const doneMessages = pgTable(
  'done_messages',
  {
    stream: text('stream').notNull(),
    streamSeq: bigint('stream_seq', { mode: 'number' }).notNull(),
    outcome: text('outcome').$type<'committed' | 'poison'>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.stream, t.streamSeq] })],
);

/** The newest delivery of each in-flight message: a commit holding an older delivery is fenced off. */
export const messageLeases = pgTable(
  'message_leases',
  {
    stream: text('stream').notNull(),
    streamSeq: bigint('stream_seq', { mode: 'number' }).notNull(),
    delivery: integer('delivery').notNull(),
  },
  (t) => [primaryKey({ columns: [t.stream, t.streamSeq] })],
);

/** Messages that can never be accepted or committed, with why (docs/contract.md §5, GET /v1/rejections). */
export const rejections = pgTable(
  'rejections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: text('tenant').notNull(),
    tableName: text('table_name').notNull(),
    sessionId: text('session_id'),
    code: text('code').notNull(),
    detail: text('detail').notNull(),
    msgId: text('msg_id'),
    stream: text('stream'),
    streamSeq: bigint('stream_seq', { mode: 'number' }),
    /** The raw message body, kept so a rejection can be re-driven once its cause is fixed. */
    body: text('body'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    redrivenAt: timestamp('redriven_at', { withTimezone: true }),
  },
  (t) => [index('rejections_tenant_idx').on(t.tenant, t.tableName, t.id)],
);
