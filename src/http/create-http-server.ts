import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { HttpEdge } from '../config/index.js';
import { settleEarlyAnswer } from './settle-early-answer.js';

type Fetch = Parameters<typeof getRequestListener>[0];

/**
 * The Node HTTP server in front of the app: bounded header, request and keep-alive times; requests that
 * expect `100 Continue` get it only when their body is read; early answers are drained or closed
 * gracefully (src/http/settle-early-answer.ts).
 */
export function createHttpServer(fetch: Fetch, edge: HttpEdge): Server {
  // autoCleanupIncoming off: @hono/node-server would otherwise destroy the socket 500 ms after an early answer.
  const listener = getRequestListener(fetch, { autoCleanupIncoming: false });
  const server = createServer(
    {
      headersTimeout: edge.headersTimeoutMs,
      // A backstop: the body reader answers 408 after bodyTimeoutMs itself (problem+json).
      requestTimeout: edge.headersTimeoutMs + edge.bodyQueueMs + edge.bodyTimeoutMs + 5000,
      keepAliveTimeout: edge.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, edge.headersTimeoutMs),
    },
    (req, res) => {
      settleEarlyAnswer(req, res, edge);
      void listener(req, res);
    },
  );
  // A listener here stops Node from sending 100 Continue by itself; src/http/read-body.ts sends it.
  server.on('checkContinue', (req, res) => {
    settleEarlyAnswer(req, res, edge);
    void listener(req, res);
  });
  return server;
}
