import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { parseNatsServers } from './nats-servers.js';
import { busNames, type BusNames } from './subjects.js';

/** What the rest of chainlake may know of a stream (no NATS types). */
export interface StreamState {
  /** The stream's creation time: it tells incarnations of one name apart. */
  created: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  /** The byte cap (0: none). */
  maxBytes: number;
}

/**
 * A live connection to the log: the only object through which the rest of chainlake reaches NATS.
 * Outside src/bus only its verbs are used (test/unit/import-boundaries.test.ts checks it).
 */
export interface Bus {
  /** @internal the connection and JetStream handles, for src/bus itself (and tests). */
  nc: NatsConnection;
  /** @internal */
  js: JetStreamClient;
  /** @internal */
  jsm: JetStreamManager;
  names: BusNames;
  /** Resolves once the server has answered a round trip. */
  ping(): Promise<void>;
  streamState(stream: string): Promise<StreamState>;
  /** Removes every message below `seq` from `stream`; returns how many went. */
  purgeBelow(stream: string, seq: number): Promise<number>;
  /** When the message at `seq` was stored; null when there is none. */
  messageTime(stream: string, seq: number): Promise<Date | null>;
  /** The stream sequence a durable consumer has acked everything up to; null when it does not exist. */
  ackFloor(stream: string, durable: string): Promise<number | null>;
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
    ping: () => nc.flush(),
    async streamState(stream) {
      const info = await jsm.streams.info(stream);
      return {
        created: info.created,
        messages: info.state.messages,
        bytes: info.state.bytes,
        firstSeq: info.state.first_seq,
        lastSeq: info.state.last_seq,
        maxBytes: Math.max(0, info.config.max_bytes),
      };
    },
    async purgeBelow(stream, seq) {
      return (await jsm.streams.purge(stream, { seq })).purged;
    },
    async messageTime(stream, seq) {
      const msg = await jsm.streams.getMessage(stream, { seq });
      return msg ? msg.time : null;
    },
    async ackFloor(stream, durable) {
      try {
        return (await jsm.consumers.info(stream, durable)).ack_floor.stream_seq;
      } catch (err) {
        if ((err as { code?: number }).code === 10014) return null; // no such consumer
        throw err;
      }
    },
    async close() {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
