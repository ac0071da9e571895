CREATE TABLE "batches" (
	"tenant" text NOT NULL,
	"table_name" text NOT NULL,
	"session_id" text NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"stream_seq" bigint NOT NULL,
	"event_count" integer NOT NULL,
	"first_ts" text NOT NULL,
	"last_ts" text NOT NULL,
	"ingested_at" timestamp with time zone NOT NULL,
	"records" text NOT NULL,
	CONSTRAINT "batches_tenant_table_name_session_id_from_seq_pk" PRIMARY KEY("tenant","table_name","session_id","from_seq")
);
--> statement-breakpoint
-- Replay lines compress well (repeated names, each prev_hash is the line before's hash): lz4 is
-- faster than pglz; a server built without lz4 keeps its default.
DO $$ BEGIN
  ALTER TABLE "batches" ALTER COLUMN "records" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$;
--> statement-breakpoint
-- Existing per-record rows become one row per log message, each record as the exact line replay
-- served for it (src/wire/record-lines.ts): events in seq order, then the batch's seal.
INSERT INTO "batches" ("tenant", "table_name", "session_id", "from_seq", "to_seq", "stream_seq", "event_count",
                       "first_ts", "last_ts", "ingested_at", "records")
SELECT "tenant", "table_name", "session_id",
       min("seq") FILTER (WHERE "kind" = 'event'), max("seq"), "stream_seq",
       count(*) FILTER (WHERE "kind" = 'event'),
       (array_agg("ts" ORDER BY "seq") FILTER (WHERE "kind" = 'event'))[1],
       (array_agg("ts" ORDER BY "seq" DESC) FILTER (WHERE "kind" = 'event'))[1],
       min("ingested_at"),
       string_agg(
         CASE WHEN "kind" = 'seal' THEN '{"kind":"seal",' || substr("payload", 2)
         ELSE '{"table":' || to_json("table_name")::text || ',"session_id":' || to_json("session_id")::text ||
              ',"kind":"event","seq":' || "seq" || ',"type":' || to_json("type")::text ||
              ',"ts":' || to_json("ts")::text || ',"payload":' ||
              CASE WHEN "payload" ~ '[\r\n]' THEN to_json("payload")::text ELSE "payload" END ||
              ',"prev_hash":' || to_json("prev_hash")::text || ',"hash":' || to_json("hash")::text ||
              ',"status":"AUTHORITATIVE","visibility_token":' || to_json("visibility_token")::text || '}'
         END || E'\n', '' ORDER BY "seq", "kind")
FROM "records"
GROUP BY "tenant", "table_name", "session_id", "stream_seq"
HAVING count(*) FILTER (WHERE "kind" = 'event') > 0;
