import { JetStreamApiError } from '@nats-io/jetstream';

/**
 * True for failures that mean "the log cannot take or give this now": connection loss, timeouts, no
 * responders, a full stream (discard-new), no JetStream leader. Such failures become 503 / nak.
 */
export function isBusUnavailable(err: unknown, depth = 0): boolean {
  if (err instanceof JetStreamApiError) {
    // 10077 store failed (e.g. maximum bytes exceeded), 10008 JetStream temporarily unavailable,
    // 10023 insufficient resources, 10039 not enabled for account.
    return [10077, 10008, 10023, 10039].includes(err.code) || err.status === 503;
  }
  if (!(err instanceof Error)) return false;
  const text = `${err.name} ${err.message} ${(err as { code?: unknown }).code ?? ''}`;
  if (
    /timeout|TIMEOUT|no responders|503|closed|CONNECTION|disconnect|ECONNREFUSED|ECONNRESET|draining|maximum bytes|insufficient/i.test(
      text,
    )
  )
    return true;
  // nats.js reports "no responders" (no stream leader while a cluster elects one) as JetStreamNotEnabled.
  const cause = (err as { cause?: unknown }).cause;
  return depth < 5 && cause !== undefined && isBusUnavailable(cause, depth + 1);
}
