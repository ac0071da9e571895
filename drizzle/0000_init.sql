CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"roles" text[] NOT NULL,
	"key_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "done_messages" (
	"stream" text NOT NULL,
	"stream_seq" bigint NOT NULL,
	"outcome" text NOT NULL,
	CONSTRAINT "done_messages_stream_stream_seq_pk" PRIMARY KEY("stream","stream_seq")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"session_id" text NOT NULL,
	"visibility_token" text NOT NULL,
	"answer" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_table_name_key_pk" PRIMARY KEY("tenant","table_name","key")
);
--> statement-breakpoint
CREATE TABLE "lake_files" (
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"key" text NOT NULL,
	"rows" integer NOT NULL,
	"bytes" bigint NOT NULL,
	"min_stream_seq" bigint NOT NULL,
	"max_stream_seq" bigint NOT NULL,
	"snapshot_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lake_files_tenant_table_name_key_pk" PRIMARY KEY("tenant","table_name","key")
);
--> statement-breakpoint
CREATE TABLE "lake_tables" (
	"tenant" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "lake_tables_tenant_name_pk" PRIMARY KEY("tenant","name")
);
--> statement-breakpoint
CREATE TABLE "message_leases" (
	"stream" text NOT NULL,
	"stream_seq" bigint NOT NULL,
	"delivery" integer NOT NULL,
	CONSTRAINT "message_leases_stream_stream_seq_pk" PRIMARY KEY("stream","stream_seq")
);
--> statement-breakpoint
CREATE TABLE "records" (
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"session_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"type" text NOT NULL,
	"ts" text NOT NULL,
	"payload" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"visibility_token" text NOT NULL,
	"stream_seq" bigint NOT NULL,
	"ingested_at" timestamp with time zone NOT NULL,
	CONSTRAINT "records_tenant_table_name_session_id_seq_kind_pk" PRIMARY KEY("tenant","table_name","session_id","seq","kind")
);
--> statement-breakpoint
CREATE TABLE "rejections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"session_id" text,
	"code" text NOT NULL,
	"detail" text NOT NULL,
	"msg_id" text,
	"stream" text,
	"stream_seq" bigint,
	"body" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"redriven_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"session_id" text NOT NULL,
	"head_seq" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"last_seal" jsonb,
	"last_seal_hash" text,
	"event_count" bigint DEFAULT 0 NOT NULL,
	"seal_count" bigint DEFAULT 0 NOT NULL,
	"last_stream_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_tenant_table_name_session_id_pk" PRIMARY KEY("tenant","table_name","session_id")
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"snapshot_id" bigint NOT NULL,
	"parent_id" bigint,
	"watermark_seq" bigint NOT NULL,
	"committed_at" timestamp with time zone NOT NULL,
	"added_files" integer NOT NULL,
	"added_rows" bigint NOT NULL,
	"total_files" integer NOT NULL,
	"total_rows" bigint NOT NULL,
	CONSTRAINT "snapshots_tenant_table_name_snapshot_id_pk" PRIMARY KEY("tenant","table_name","snapshot_id")
);
--> statement-breakpoint
CREATE TABLE "stream_progress" (
	"stream" text PRIMARY KEY NOT NULL,
	"watermark_seq" bigint DEFAULT 0 NOT NULL,
	"committed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "api_keys_tenant_idx" ON "api_keys" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "lake_files_snapshot_idx" ON "lake_files" USING btree ("tenant","table_name","snapshot_id");--> statement-breakpoint
CREATE INDEX "rejections_tenant_idx" ON "rejections" USING btree ("tenant","table_name","id");