import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

/** The message of the ConfigError that `env` causes. */
function configError(env: Record<string, string>): string {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return (thrown as ConfigError).message;
}

describe('loadConfig', () => {
  it('defaults to the table of contract §7', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/chainlake',
      prefix: 'chainlake',
      auth: true,
      objectStore: 'file://./data/lake',
      keysDir: './data/keys',
    });
    expect(config.limits).toEqual({
      maxBodyBytes: 8 * 1024 * 1024,
      maxEvents: 1000,
      maxPayloadBytes: 256 * 1024,
      maxDepth: 64,
    });
    expect(config.s3.forcePathStyle).toBe(false);
  });

  it('treats empty variables as unset, as a blank line in .env means', () => {
    expect(loadConfig({ PORT: '', CHAINLAKE_AUTH: '' })).toMatchObject({ port: 8080, auth: true });
  });

  it('reads every variable of contract §7', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      NATS_URL: 'tls://nats.example:4222',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      CHAINLAKE_PREFIX: 'cl_test-1',
      CHAINLAKE_AUTH: 'off',
      OBJECT_STORE: 's3://bucket/lake/',
      S3_ENDPOINT: 'http://127.0.0.1:4568',
      S3_REGION: 'eu-west-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      CHAINLAKE_KEYS_DIR: '/var/lib/chainlake/keys',
      METRICS_PORT: '9464',
      CHAINLAKE_LOG_RETENTION: '12h',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      natsUrl: 'tls://nats.example:4222',
      databaseUrl: 'postgresql://u:p@db:5432/x',
      prefix: 'cl_test-1',
      auth: false,
      objectStore: 's3://bucket/lake/',
      s3: {
        endpoint: 'http://127.0.0.1:4568',
        region: 'eu-west-1',
        forcePathStyle: true,
        accessKeyId: 'id',
        secretAccessKey: 'secret',
      },
      keysDir: '/var/lib/chainlake/keys',
      metricsPort: 9464,
      logRetentionMs: 12 * 3_600_000,
    });
  });

  it('keeps committed log messages 7 days, with no byte cap on the streams, by default', () => {
    const config = loadConfig({});
    expect(config.logRetentionMs).toBe(7 * 86_400_000);
    expect(config.stream.maxBytes).toBeUndefined();
    expect(config.metricsPort).toBeUndefined();
  });

  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['0s', 0],
  ])('reads CHAINLAKE_LOG_RETENTION=%s as %d ms', (value, ms) => {
    expect(loadConfig({ CHAINLAKE_LOG_RETENTION: value }).logRetentionMs).toBe(ms);
  });

  it('refuses CHAINLAKE_STREAM_MAX_AGE_S and points at CHAINLAKE_LOG_RETENTION', () => {
    const message = configError({ CHAINLAKE_STREAM_MAX_AGE_S: '60' });
    expect(message).toMatch(/\bCHAINLAKE_STREAM_MAX_AGE_S=/);
    expect(message).toContain('CHAINLAKE_LOG_RETENTION');
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/bin', PORT_: 'x' }).port).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['CHAINLAKE_AUTH', 'maybe'],
    ['OBJECT_STORE', 'ftp://x'],
    ['NATS_URL', 'http://x'],
    ['DATABASE_URL', 'mysql://x'],
    ['CHAINLAKE_PREFIX', 'Bad.Prefix'],
    ['S3_FORCE_PATH_STYLE', 'perhaps'],
    ['LOG_LEVEL', 'verbose'],
    ['CHAINLAKE_MAX_EVENTS', '0'],
    ['CHAINLAKE_LOG_RETENTION', '7'],
    ['CHAINLAKE_LOG_RETENTION', '1w'],
    ['CHAINLAKE_LOG_RETENTION', '-1d'],
    ['METRICS_PORT', 'x'],
  ])('stops on %s=%s with one line naming the variable', (name, value) => {
    const message = configError({ [name]: value });
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`\\b${name}=`));
  });

  it('keeps a value with a line break on one line', () => {
    expect(configError({ PORT: '80\n80' })).not.toContain('\n');
  });

  it('does not print credentials of an invalid URL', () => {
    const message = configError({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(message).toContain('DATABASE_URL=');
    expect(message).not.toContain('hunter2');
  });

  it('refuses an S3 access key id without its secret, and the reverse', () => {
    const s3 = { OBJECT_STORE: 's3://bucket' };
    const message = configError({ ...s3, AWS_ACCESS_KEY_ID: 'id' });
    expect(message).toContain('AWS_SECRET_ACCESS_KEY');
    expect(message).not.toContain('\n');
    expect(configError({ ...s3, AWS_SECRET_ACCESS_KEY: 'secret' })).toContain('AWS_ACCESS_KEY_ID');
    expect(loadConfig(s3).s3.accessKeyId).toBeUndefined();
  });

  it('defaults the edge timeouts, bounds and Postgres deadlines, and parses CORS origins', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      inflightBodyBytes: 32 * 1024 * 1024,
      bodyQueueMs: 10_000,
      drainBytes: 8 * 1024 * 1024,
      drainMs: 5_000,
      corsOrigins: [],
    });
    expect(config.dbTimeouts).toEqual({
      statementMs: 500,
      acquireMs: 2000,
      connectMs: 5000,
      replayMs: 300_000,
    });
    expect(
      loadConfig({ CHAINLAKE_CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).http.corsOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(configError({ CHAINLAKE_CORS_ORIGINS: 'a.example' })).toMatch(
      /^invalid configuration: CHAINLAKE_CORS_ORIGINS=/,
    );
    expect(configError({ CHAINLAKE_INFLIGHT_BODY_BYTES: '2048' })).toContain('CHAINLAKE_MAX_BODY_BYTES');
  });
});
