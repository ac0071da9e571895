import { connectBus, type Bus } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { unreachable } from './describe-failure.js';

/** Runs a CLI action with a NATS connection; creates no stream. An unreachable NATS is one line naming NATS_URL. */
export async function withBus<T>(config: Config, name: string, fn: (bus: Bus) => Promise<T>): Promise<T> {
  let bus: Bus;
  try {
    bus = await connectBus({ url: config.natsUrl, prefix: config.prefix, name });
  } catch (err) {
    throw unreachable('NATS', config, err);
  }
  try {
    return await fn(bus);
  } finally {
    await bus.close();
  }
}
