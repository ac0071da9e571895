import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { Bus } from './connect-bus.js';

export interface StreamSettings {
  replicas: number;
  /** Optional byte cap (`CHAINLAKE_STREAM_MAX_BYTES`); unset: no cap and nothing reserved on the server. */
  maxBytes?: number;
  dedupWindowMs: number;
}

/**
 * Creates or updates the event log and the raw stream. No max_age: it would drop uncommitted messages;
 * chainlake purges committed ones itself (src/retention). With a cap, discard-new makes a full log
 * refuse publishes (→ 503) instead of silently dropping accepted batches.
 */
export async function ensureStreams(bus: Bus, s: StreamSettings): Promise<void> {
  const { names } = bus;
  const common: Partial<StreamConfig> = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_bytes: s.maxBytes ?? -1,
    max_age: 0,
    duplicate_window: nanos(s.dedupWindowMs),
    num_replicas: s.replicas,
    allow_direct: true,
  };
  const subjects = { events: `${names.prefix}.events.>`, raw: `${names.prefix}.raw.>` };
  await upsertStream(bus, { ...common, name: names.eventsStream, subjects: [subjects.events] }, s);
  await upsertStream(bus, { ...common, name: names.rawStream, subjects: [subjects.raw] }, s);
}

async function upsertStream(
  bus: Bus,
  config: Partial<StreamConfig> & { name: string },
  s: StreamSettings,
): Promise<void> {
  try {
    try {
      await bus.jsm.streams.add(config);
    } catch (err) {
      // 10058: a stream with that name exists with another config; bring it up to date.
      if ((err as { code?: number }).code !== 10058) throw err;
      await bus.jsm.streams.update(config.name, config);
    }
  } catch (err) {
    const cap = s.maxBytes === undefined ? 'unset (no cap)' : String(s.maxBytes);
    throw new Error(
      `NATS refused the stream ${config.name}: ${(err as Error).message}. ` +
        `CHAINLAKE_STREAM_MAX_BYTES is ${cap}; a cap reserves that much JetStream storage, so lower or unset it, ` +
        `or give the server more storage (max_file_store).`,
      { cause: err },
    );
  }
}
