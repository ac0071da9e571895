import * as v from 'valibot';
import { existsSync } from 'node:fs';
import { EnvSchema } from './config-schema.js';

/** Configuration, parsed and validated once at start; everything else receives it as an argument. */
export interface Config {
  port: number;
  host: string;
  natsUrl: string;
  databaseUrl: string;
  prefix: string;
  auth: boolean;
  objectStore: string;
  s3: {
    endpoint?: string;
    region: string;
    forcePathStyle: boolean;
    accessKeyId?: string;
    secretAccessKey?: string;
  };
  keysDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  limits: { maxBodyBytes: number; maxEvents: number; maxPayloadBytes: number; maxDepth: number };
  /** Without the api role, `/metrics`, `/healthz` and `/readyz` are served on this port (unset: not served). */
  metricsPort?: number;
  /** `maxBytes` unset: no byte cap (and no reservation) on the streams. */
  stream: { replicas: number; maxBytes?: number; dedupWindowMs: number };
  /** Committed log messages older than this are purged from the events stream (contract §5). */
  logRetentionMs: number;
  committer: CommitterLease;
  /** How much the committer re-checks of each log message (CHAINLAKE_COMMIT_VERIFY). */
  commitVerify: 'tag' | 'full';
  http: HttpEdge;
  /**
   * Postgres deadlines (ms) of the ingest/read pool: per statement, waiting for a pool connection, per
   * new connection; and per NDJSON replay (its own pool).
   */
  dbTimeouts: { statementMs: number; acquireMs: number; connectMs: number; replayMs: number };
}

/** The HTTP edge's timeouts and memory bounds (docs/operations.md "Limits and timeouts"). */
export interface HttpEdge {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Request body bytes held in memory at once, across requests. */
  inflightBodyBytes: number;
  /** How long a request waits for room under `inflightBodyBytes` before a 503. */
  bodyQueueMs: number;
  /** An answer sent before its body was read: drain up to this many bytes for this long, else close. */
  drainBytes: number;
  drainMs: number;
  /** Origins allowed by CORS; empty: no CORS headers. */
  corsOrigins: string[];
}

/** The committer's lease and batching knobs, in one object. */
export interface CommitterLease {
  batchSize: number;
  /** A commit also ends once its log messages reach this many bytes. */
  maxBytes: number;
  maxWaitMs: number;
  ackWaitMs: number;
  maxDeliver: number;
  workingIntervalMs: number;
  /** nak delays for successive transient failures; the last repeats. */
  backoffMs: number[];
}

/** A bad variable: the message is the one clear line the process prints before it stops. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment (and `.env` when present) into a Config, or throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = readEnv()): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = v.safeParse(EnvSchema, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const name = issue.path?.[0]?.key ?? 'environment';
    // The line goes to logs: hide a URL's user:password.
    const shown = (input[String(name)] ?? '').replace(/\/\/[^/@]*@/, '//***@');
    throw new ConfigError(`invalid configuration: ${String(name)}=${JSON.stringify(shown)} ${issue.message}`);
  }
  const e = parsed.output;
  if (e.OBJECT_STORE.startsWith('s3://') && !e.AWS_ACCESS_KEY_ID !== !e.AWS_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'invalid configuration: AWS_SECRET_ACCESS_KEY must be set together with AWS_ACCESS_KEY_ID',
    );
  }
  if (e.CHAINLAKE_INFLIGHT_BODY_BYTES < e.CHAINLAKE_MAX_BODY_BYTES) {
    throw new ConfigError(
      'invalid configuration: CHAINLAKE_INFLIGHT_BODY_BYTES must be at least CHAINLAKE_MAX_BODY_BYTES',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    natsUrl: e.NATS_URL,
    databaseUrl: e.DATABASE_URL,
    prefix: e.CHAINLAKE_PREFIX,
    auth: e.CHAINLAKE_AUTH,
    objectStore: e.OBJECT_STORE,
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      accessKeyId: e.AWS_ACCESS_KEY_ID,
      secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
    },
    keysDir: e.CHAINLAKE_KEYS_DIR,
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
    limits: {
      maxBodyBytes: e.CHAINLAKE_MAX_BODY_BYTES,
      maxEvents: e.CHAINLAKE_MAX_EVENTS,
      maxPayloadBytes: e.CHAINLAKE_MAX_PAYLOAD_BYTES,
      maxDepth: e.CHAINLAKE_MAX_DEPTH,
    },
    stream: {
      replicas: e.CHAINLAKE_STREAM_REPLICAS,
      maxBytes: e.CHAINLAKE_STREAM_MAX_BYTES,
      dedupWindowMs: e.CHAINLAKE_DEDUP_WINDOW_MS,
    },
    logRetentionMs: e.CHAINLAKE_LOG_RETENTION,
    committer: {
      batchSize: e.CHAINLAKE_COMMIT_BATCH,
      maxBytes: e.CHAINLAKE_COMMIT_MAX_BYTES,
      maxWaitMs: e.CHAINLAKE_COMMIT_MAX_WAIT_MS,
      ackWaitMs: e.CHAINLAKE_ACK_WAIT_MS,
      maxDeliver: e.CHAINLAKE_MAX_DELIVER,
      workingIntervalMs: e.CHAINLAKE_WORKING_INTERVAL_MS,
      backoffMs: [250, 1000, 5000, 15000],
    },
    commitVerify: e.CHAINLAKE_COMMIT_VERIFY,
    http: {
      headersTimeoutMs: e.CHAINLAKE_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.CHAINLAKE_BODY_TIMEOUT_MS,
      keepAliveTimeoutMs: e.CHAINLAKE_KEEP_ALIVE_TIMEOUT_MS,
      inflightBodyBytes: e.CHAINLAKE_INFLIGHT_BODY_BYTES,
      bodyQueueMs: e.CHAINLAKE_BODY_QUEUE_MS,
      drainBytes: e.CHAINLAKE_DRAIN_BYTES,
      drainMs: e.CHAINLAKE_DRAIN_MS,
      corsOrigins: (e.CHAINLAKE_CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    dbTimeouts: {
      statementMs: e.CHAINLAKE_DB_TIMEOUT_MS,
      acquireMs: e.CHAINLAKE_DB_ACQUIRE_TIMEOUT_MS,
      connectMs: e.CHAINLAKE_DB_CONNECT_TIMEOUT_MS,
      replayMs: e.CHAINLAKE_REPLAY_TIMEOUT_MS,
    },
  };
}

/** process.env, after loading `.env` when present (existing variables win, as with dotenv). */
function readEnv(): Record<string, string | undefined> {
  // Node ≥20.12 parses .env natively; no extra dependency needed.
  if (existsSync('.env')) process.loadEnvFile('.env');
  return { ...process.env };
}
