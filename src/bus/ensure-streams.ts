import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { Bus } from './connect-bus.js';

export interface StreamSettings {
  replicas: number;
  maxBytes: number;
  /** 0 keeps messages forever. */
  maxAgeMs: number;
  dedupWindowMs: number;
}

/**
 * Creates or updates the event log and the raw stream. Discard-new with a byte limit makes a full log
 * refuse publishes (→ 503) instead of silently dropping accepted batches.
 */
export async function ensureStreams(bus: Bus, s: StreamSettings): Promise<void> {
  const { names } = bus;
  const common: Partial<StreamConfig> = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_bytes: s.maxBytes,
    max_age: nanos(s.maxAgeMs),
    duplicate_window: nanos(s.dedupWindowMs),
    num_replicas: s.replicas,
    allow_direct: true,
  };
  await upsertStream(bus, { ...common, name: names.eventsStream, subjects: [`${names.prefix}.events.>`] });
  await upsertStream(bus, { ...common, name: names.rawStream, subjects: [`${names.prefix}.raw.>`] });
}

async function upsertStream(bus: Bus, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await bus.jsm.streams.add(config);
  } catch (err) {
    // 10058: a stream with that name exists with another config; bring it up to date.
    if ((err as { code?: number }).code !== 10058) throw err;
    await bus.jsm.streams.update(config.name, config);
  }
}
