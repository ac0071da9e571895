import type { Config } from '../config/index.js';
import { redactUrl } from '../config/index.js';
import { isConnectionError, pgErrorCode } from '../db/index.js';
import { CliError } from './cli-error.js';

type Service = 'PostgreSQL' | 'NATS';

const VARIABLE: Record<Service, 'DATABASE_URL' | 'NATS_URL'> = {
  PostgreSQL: 'DATABASE_URL',
  NATS: 'NATS_URL',
};

/** The innermost reason of an error chain, e.g. `connect ECONNREFUSED 127.0.0.1:5999`. */
function reason(err: unknown): string {
  let e = err as { message?: unknown; cause?: unknown; code?: unknown } | undefined;
  let text = String(e?.message ?? err);
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    // postgres.js says "write CONNECT_TIMEOUT undefined:undefined" for a host that never answers.
    if (e.code === 'CONNECT_TIMEOUT')
      return 'no answer within the connect timeout (CHAINLAKE_DB_CONNECT_TIMEOUT_MS)';
    if (typeof e.message === 'string' && e.message !== '') text = e.message;
    e = e.cause as typeof e;
  }
  return text;
}

/** `cannot reach NATS at nats://… (NATS_URL): connect ECONNREFUSED …`, as a one-line CliError. */
export function unreachable(service: Service, config: Config, err: unknown): CliError {
  const url = service === 'PostgreSQL' ? config.databaseUrl : config.natsUrl;
  return new CliError(
    `cannot reach ${service} at ${redactUrl(url)} (${VARIABLE[service]}): ${reason(err)}`,
    1,
    {
      cause: err,
    },
  );
}

/** nats.js names its connect failures ConnectionError; the bus module passes them through. */
const isNatsConnectError = (err: unknown) =>
  err instanceof Error &&
  (err.name === 'ConnectionError' || err.name === 'TimeoutError' || /^NATS/i.test(err.name));

/**
 * The one line for a failure to start (serve, migrate): which service, which variable, the redacted URL.
 * Null for anything else, which the CLI reports with its stack since it is a bug or unknown.
 */
export function describeStartFailure(err: unknown, config: Config): CliError | null {
  if (err instanceof CliError) return err;
  if (isNatsConnectError(err)) return unreachable('NATS', config, err);
  if (isConnectionError(err)) return unreachable('PostgreSQL', config, err);
  if (pgErrorCode(err) !== undefined) {
    const where = `PostgreSQL at ${redactUrl(config.databaseUrl)} (DATABASE_URL)`;
    return new CliError(`${where} refused: ${reason(err)}`, 1, { cause: err });
  }
  return null;
}
