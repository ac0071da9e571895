import { NonRetriableError } from '../errors.js';

export type AckDecision = { kind: 'nak'; delayMs: number } | { kind: 'term' };

/**
 * How a failed message goes back to the log: permanent failures are terminated (after being recorded
 * as rejections by the caller); anything else is retried with a delay that grows with each delivery.
 */
export function toAckDecision(
  err: unknown,
  deliveryCount: number,
  backoffMs: readonly number[],
): AckDecision {
  if (err instanceof NonRetriableError) return { kind: 'term' };
  const step = Math.min(Math.max(deliveryCount - 1, 0), backoffMs.length - 1);
  return { kind: 'nak', delayMs: backoffMs[step] ?? 1000 };
}
