import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { parseNatsServers } from './nats-servers.js';
import { busNames, type BusNames } from './subjects.js';

/** A live connection to the log: the only object through which the rest of chainlake reaches NATS. */
export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: BusNames;
  /** The server's max_payload: one sealed batch must fit one message. */
  maxPayload(): number;
  /** False while the connection is down (between a disconnect and the next reconnect). */
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface BusOptions {
  url: string;
  prefix: string;
  name?: string;
  /** How long a JetStream request (publish ack, get, API call) may take before it fails. */
  requestTimeoutMs?: number;
}

/** Connects to NATS; keeps reconnecting forever after the first connection succeeded. */
export async function connectBus(opts: BusOptions): Promise<Bus> {
  const nc = await connect({
    ...parseNatsServers(opts.url),
    name: opts.name ?? 'chainlake',
    timeout: 5000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    pingInterval: 10_000,
  });
  const timeout = opts.requestTimeoutMs ?? 5000;
  const js = jetstream(nc, { timeout });
  const jsm = await jetstreamManager(nc, { timeout });
  // Requests made while disconnected would wait out their whole timeout; callers check this first.
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'close') connected = false;
      else if (status.type === 'reconnect') connected = true;
    }
  })();
  return {
    nc,
    js,
    jsm,
    names: busNames(opts.prefix),
    maxPayload: () => nc.info?.max_payload ?? 1024 * 1024,
    isConnected: () => connected && !nc.isClosed(),
    async close() {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
