import * as v from 'valibot';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.number(),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
const bool = v.pipe(
  v.picklist(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], 'must be true or false'),
  v.transform((s) => ['true', '1', 'on', 'yes'].includes(s)),
);
const onOff = v.pipe(
  v.picklist(['on', 'off'], 'must be on or off'),
  v.transform((s) => s === 'on'),
);
const prefix = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must match ^[a-z][a-z0-9_-]{0,31}$'));
const objectStore = v.pipe(
  v.string(),
  v.regex(
    /^(file:\/\/.+|s3:\/\/[a-z0-9][a-z0-9.-]{1,62}(\/.*)?)$/,
    'must be file://DIR or s3://bucket[/prefix]',
  ),
);

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** `90s`, `30m`, `12h`, `7d` → milliseconds. */
const duration = v.pipe(
  v.string(),
  v.regex(/^\d{1,9}[smhd]$/, 'must be a duration such as 90s, 30m, 12h or 7d'),
  v.transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS]),
);

/**
 * Every environment variable chainlake reads, with its default (docs/contract.md §7 plus tuning knobs).
 * Keys are the variable names so that an error names the variable exactly.
 */
export const EnvSchema = v.object({
  PORT: v.optional(int(0, 65535), '8080'),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  NATS_URL: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/,
        'must be nats:// URLs, comma-separated for a cluster',
      ),
    ),
    'nats://127.0.0.1:4222',
  ),
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')),
    'postgres://postgres@127.0.0.1:5432/chainlake',
  ),
  CHAINLAKE_PREFIX: v.optional(prefix, 'chainlake'),
  CHAINLAKE_AUTH: v.optional(onOff, 'on'),
  OBJECT_STORE: v.optional(objectStore, 'file://./data/lake'),
  S3_ENDPOINT: v.optional(v.pipe(v.string(), v.url('must be a URL'))),
  S3_REGION: v.optional(v.string(), 'us-east-1'),
  S3_FORCE_PATH_STYLE: v.optional(bool, 'false'),
  AWS_ACCESS_KEY_ID: v.optional(v.string()),
  AWS_SECRET_ACCESS_KEY: v.optional(v.string()),
  CHAINLAKE_KEYS_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './data/keys'),
  METRICS_PORT: v.optional(int(0, 65535)),
  LOG_LEVEL: v.optional(
    v.picklist(['debug', 'info', 'warn', 'error', 'silent'], 'must be debug, info, warn, error or silent'),
    'info',
  ),
  // Limits (docs/contract.md §4: "configurable").
  CHAINLAKE_MAX_BODY_BYTES: v.optional(int(1024), String(8 * 1024 * 1024)),
  CHAINLAKE_MAX_EVENTS: v.optional(int(1, 100_000), '1000'),
  CHAINLAKE_MAX_PAYLOAD_BYTES: v.optional(int(16), String(256 * 1024)),
  CHAINLAKE_MAX_DEPTH: v.optional(int(1, 1000), '64'),
  // The HTTP edge (docs/operations.md "Limits and timeouts").
  CHAINLAKE_HEADERS_TIMEOUT_MS: v.optional(int(100), '10000'),
  CHAINLAKE_BODY_TIMEOUT_MS: v.optional(int(100), '30000'),
  CHAINLAKE_KEEP_ALIVE_TIMEOUT_MS: v.optional(int(100), '5000'),
  CHAINLAKE_INFLIGHT_BODY_BYTES: v.optional(int(1024), String(32 * 1024 * 1024)),
  CHAINLAKE_BODY_QUEUE_MS: v.optional(int(0), '10000'),
  CHAINLAKE_DRAIN_BYTES: v.optional(int(0), String(8 * 1024 * 1024)),
  CHAINLAKE_DRAIN_MS: v.optional(int(0), '5000'),
  CHAINLAKE_CORS_ORIGINS: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^(\*|https?:\/\/[^,\s]+(,\s*https?:\/\/[^,\s]+)*)$/,
        'must be * or comma-separated http(s):// origins',
      ),
    ),
  ),
  // Postgres deadlines of the ingest and read paths (the committer has none).
  CHAINLAKE_DB_TIMEOUT_MS: v.optional(int(10), '500'),
  CHAINLAKE_DB_ACQUIRE_TIMEOUT_MS: v.optional(int(10), '2000'),
  CHAINLAKE_DB_CONNECT_TIMEOUT_MS: v.optional(int(100), '5000'),
  CHAINLAKE_REPLAY_TIMEOUT_MS: v.optional(int(1000), '300000'),
  // The event log.
  CHAINLAKE_STREAM_REPLICAS: v.optional(int(1, 5), '1'),
  // No byte cap by default: a cap is a reservation that a server short of storage refuses.
  CHAINLAKE_STREAM_MAX_BYTES: v.optional(int(1024 * 1024)),
  // Replaced by CHAINLAKE_LOG_RETENTION: a stream max_age would also drop uncommitted messages.
  CHAINLAKE_STREAM_MAX_AGE_S: v.optional(
    v.custom<never>(() => false, 'is no longer read: set CHAINLAKE_LOG_RETENTION (e.g. 7d) instead'),
  ),
  CHAINLAKE_LOG_RETENTION: v.optional(duration, '7d'),
  CHAINLAKE_DEDUP_WINDOW_MS: v.optional(int(100), '120000'),
  // The committer's lease (style point 14: leases are data).
  CHAINLAKE_COMMIT_BATCH: v.optional(int(1, 100_000), '500'),
  CHAINLAKE_COMMIT_MAX_BYTES: v.optional(int(1024), String(8 * 1024 * 1024)),
  CHAINLAKE_COMMIT_MAX_WAIT_MS: v.optional(int(0, 60_000), '0'),
  // tag: check the gatekeeper's signature per message; full: also every seal and event hash (audits).
  CHAINLAKE_COMMIT_VERIFY: v.optional(v.picklist(['tag', 'full'], 'must be tag or full'), 'tag'),
  CHAINLAKE_ACK_WAIT_MS: v.optional(int(1000), '30000'),
  CHAINLAKE_MAX_DELIVER: v.optional(int(1, 10_000), '100'),
  CHAINLAKE_WORKING_INTERVAL_MS: v.optional(int(100), '10000'),
});

export type Env = v.InferOutput<typeof EnvSchema>;
