import type { Bus } from './connect-bus.js';

/**
 * Publishes a producer message to the raw stream (as a producer would, e.g. a redrive). `duplicate`
 * is true when the msg-id was seen inside the dedup window, so nothing new was stored.
 */
export async function publishRaw(
  bus: Bus,
  tenant: string,
  table: string,
  data: Uint8Array,
  msgId: string,
): Promise<{ streamSeq: number; duplicate: boolean }> {
  const ack = await bus.js.publish(bus.names.raw(tenant, table), data, {
    msgID: msgId,
    expect: { streamName: bus.names.rawStream },
  });
  return { streamSeq: ack.seq, duplicate: ack.duplicate };
}

/** Fire-and-forget core NATS publish of a JSON notice (e.g. a gatekeeper outcome). */
export function publishNotice(bus: Bus, subject: string, value: unknown): void {
  bus.nc.publish(subject, JSON.stringify(value));
}
