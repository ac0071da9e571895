import { AckPolicy, DeliverPolicy, ReplayPolicy, type ConsumerConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { Bus } from './connect-bus.js';

export interface ConsumerLease {
  /** How long a delivered message stays leased without ack or working(). */
  ackWaitMs: number;
  maxDeliver: number;
  /** Upper bound of leased, unacknowledged messages across all instances. */
  maxAckPending: number;
}

/** Creates or updates a durable pull consumer on one of chainlake's streams. */
export async function ensureConsumer(
  bus: Bus,
  stream: string,
  durable: string,
  filterSubject: string,
  lease: ConsumerLease,
): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    // One string: an array of filter subjects needs server 2.10.
    filter_subject: filterSubject,
    ack_wait: nanos(lease.ackWaitMs),
    max_deliver: lease.maxDeliver,
    max_ack_pending: lease.maxAckPending,
  };
  try {
    await bus.jsm.consumers.add(stream, config);
  } catch (err) {
    // 10148: exists with another config (e.g. a changed ack wait); bring it up to date.
    if ((err as { code?: number }).code !== 10148) throw err;
    await bus.jsm.consumers.update(stream, durable, config);
  }
}
