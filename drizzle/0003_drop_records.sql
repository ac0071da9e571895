DROP TABLE "records" CASCADE;--> statement-breakpoint
-- One row per stored record, computed from the batches' replay lines: for ad-hoc SQL and operators.
-- `json` (not jsonb) keeps each member's text as stored, so `payload` is the exact JCS text.
CREATE VIEW "records" AS
SELECT b."tenant", b."table_name", b."session_id",
       (l.rec->>'seq')::bigint AS "seq", l.rec->>'kind' AS "kind",
       CASE WHEN l.rec->>'kind' = 'seal' THEN 'CHAIN_SEAL' ELSE l.rec->>'type' END AS "type",
       CASE WHEN l.rec->>'kind' = 'seal' THEN l.rec->>'sealed_at' ELSE l.rec->>'ts' END AS "ts",
       CASE WHEN l.rec->>'kind' = 'seal' THEN '{' || substr(l.line, 16) ELSE (l.rec->'payload')::text END AS "payload",
       CASE WHEN l.rec->>'kind' = 'seal' THEN l.rec->>'prev_seal_hash' ELSE l.rec->>'prev_hash' END AS "prev_hash",
       l.rec->>'hash' AS "hash",
       CASE WHEN l.rec->>'kind' = 'seal' THEN 'v1.' || b."stream_seq" ELSE l.rec->>'visibility_token' END AS "visibility_token",
       b."stream_seq", b."ingested_at"
FROM "batches" b
CROSS JOIN LATERAL (
  SELECT x.line, x.line::json AS rec
  FROM unnest(string_to_array(rtrim(b."records", E'\n'), E'\n')) AS x(line)
) l;
