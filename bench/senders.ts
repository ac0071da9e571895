import http from 'node:http';
import { connectBus, type Bus } from '../src/bus/index.js';
import type { Target } from './load-protocol.js';
import type { Transport } from './options.js';

/** What the load generator needs from one ingest answer. */
export interface Answer {
  ok: boolean;
  /** `accepted`, `duplicate`, or the problem code / HTTP status / transport error of a failure. */
  code: string;
  acceptedCount: number;
  token?: string;
  /** Worth sending the same batch again (the log was busy, or the answer was lost). */
  retryable: boolean;
  detail?: string;
}

/** Sends one request body to `POST /v1/ingest/{table}` or to `{prefix}.ingest.{tenant}.{table}`. */
export interface Sender {
  send(body: Buffer): Promise<Answer>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 30_000;
const RETRYABLE = new Set(['unavailable', 'concurrent_append', '503', '502', 'timeout', 'network']);

export async function createSender(transport: Transport, target: Target, sessions: number): Promise<Sender> {
  return transport === 'http' ? httpSender(target, sessions) : natsSender(target);
}

/** Keep-alive HTTP with one socket per session, so a session's requests never queue behind another's. */
export function httpSender(target: Target, sockets: number, path = `/v1/ingest/${target.table}`): Sender {
  const url = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  return {
    send: (body) =>
      new Promise<Answer>((resolve) => {
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path,
            headers: {
              'content-type': 'application/json',
              'content-length': body.length,
              'x-tenant-id': target.tenant,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(toAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString())));
            res.on('error', (err) => resolve(failure('network', err.message)));
          },
        );
        req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
        req.on('error', (err) =>
          resolve(failure(err.message === 'timeout' ? 'timeout' : 'network', err.message)),
        );
        req.end(body);
      }),
    async close() {
      agent.destroy();
    },
  };
}

/** NATS request/reply (docs/contract.md §5): the same JSON; an error's HTTP status is in Nats-Service-Error-Code. */
async function natsSender(target: Target): Promise<Sender> {
  const bus: Bus = await connectBus({
    url: target.natsUrl,
    prefix: target.prefix,
    name: 'chainlake-bench-load',
  });
  const subject = bus.names.ingest(target.tenant, target.table);
  return {
    async send(body) {
      try {
        const msg = await bus.nc.request(subject, body, { timeout: REQUEST_TIMEOUT_MS });
        const status = msg.headers?.get('Nats-Service-Error-Code') || '';
        return toAnswer(status ? Number(status) : 200, new TextDecoder().decode(msg.data));
      } catch (err) {
        const text = (err as Error).message;
        if (/no responders/i.test(text)) return failure('no_responders', text, false);
        return failure(/timeout/i.test(text) ? 'timeout' : 'network', text);
      }
    },
    close: () => bus.close(),
  };
}

function toAnswer(status: number, text: string): Answer {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A non-JSON answer is reported by its status below.
  }
  if (status === 200 || status === 202) {
    const kind = body.status === 'duplicate' ? 'duplicate' : 'accepted';
    return {
      ok: true,
      code: kind,
      acceptedCount: typeof body.accepted_count === 'number' ? body.accepted_count : 0,
      token: typeof body.visibility_token === 'string' ? body.visibility_token : undefined,
      retryable: false,
    };
  }
  const code = typeof body.code === 'string' ? body.code : String(status);
  const detail = typeof body.detail === 'string' ? body.detail : text.slice(0, 200);
  return failure(code, `${status} ${code}: ${detail}`, RETRYABLE.has(code) || status >= 500);
}

function failure(code: string, detail: string, retryable = RETRYABLE.has(code)): Answer {
  return { ok: false, code, acceptedCount: 0, retryable, detail };
}
