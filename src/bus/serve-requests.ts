import { Svcm, type ServiceMsg } from '@nats-io/services';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { Bus } from './connect-bus.js';

/** A reply of a request handler; `errorCode` makes it a service error (Nats-Service-Error-Code). */
export interface ServiceReply {
  data: Uint8Array;
  headers?: Record<string, string>;
  /** Set for errors: sent as `Nats-Service-Error-Code`, with `errorDescription` as `Nats-Service-Error`. */
  errorCode?: number;
  errorDescription?: string;
}

/** Handles one request, without NATS types: the subject, the payload and a header lookup. */
export type RequestHandler = (
  subject: string,
  data: Uint8Array,
  header: (name: string) => string | undefined,
) => Promise<ServiceReply>;

export interface ServiceSpec {
  /** The micro service name, as service discovery (`$SRV.PING|INFO|STATS`) shows it. */
  name: string;
  version: string;
  description: string;
  /** Endpoint name (a simple token) and the subject it listens on (wildcards allowed). */
  endpoint: string;
  subject: string;
  /** Queue group: instances sharing it share the load. */
  queue: string;
  metadata?: Record<string, string>;
  /** How long stop() waits for requests in flight (default 30 s). */
  drainTimeoutMs?: number;
}

export interface RequestService {
  /** The instance id service discovery reports. */
  id: string;
  /** Stops taking requests, waits for the ones in flight to be answered, then returns. */
  stop(): Promise<void>;
}

/** Serves a request/reply endpoint with the NATS micro framework (discoverable, with stats). */
export async function serveRequests(
  bus: Bus,
  spec: ServiceSpec,
  handle: RequestHandler,
): Promise<RequestService> {
  // @nats-io/services pins an older nats-core; the connection is the same at run time.
  const service = await new Svcm(bus.nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name: spec.name,
    version: spec.version,
    description: spec.description,
    queue: spec.queue,
    metadata: spec.metadata,
  });
  const inFlight = new Set<Promise<void>>();
  const answer = async (msg: ServiceMsg) => {
    const reply: ServiceReply = await handle(
      msg.subject,
      msg.data,
      (name) => msg.headers?.get(name) || undefined,
    ).catch((err: unknown) => ({
      data: new Uint8Array(),
      errorCode: 500,
      errorDescription: `internal error: ${err instanceof Error ? err.message : String(err)}`,
    }));
    const h = natsHeaders();
    for (const [k, v] of Object.entries(reply.headers ?? {})) h.set(k, v);
    const opts = { headers: h } as unknown as Parameters<ServiceMsg['respond']>[1];
    if (reply.errorCode !== undefined) {
      // Header values are one line; the full text is in the body.
      const description = (reply.errorDescription ?? 'error').replace(/[\r\n]+/g, ' ').slice(0, 512);
      msg.respondError(reply.errorCode, description, reply.data, opts);
    } else {
      msg.respond(reply.data, opts);
    }
  };
  service.addEndpoint(spec.endpoint, {
    subject: spec.subject,
    metadata: spec.metadata,
    handler: (err, msg) => {
      if (err) return;
      // A reply that cannot be sent (connection closed) is the requester's timeout, not a crash.
      const p = answer(msg)
        .catch(() => undefined)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
  });
  // Once this returns the server knows the subscription: a request sent now finds a responder.
  await bus.nc.flush();
  return {
    id: service.info().id,
    async stop() {
      // Drains the subscriptions: requests already received are still handed to the handler.
      await service.stop();
      const deadline = Date.now() + (spec.drainTimeoutMs ?? 30_000);
      while (inFlight.size > 0 && Date.now() < deadline) {
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now()))),
        ]);
      }
      await bus.nc.flush().catch(() => undefined);
    },
  };
}
