import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How much of an unread body the edge reads away after an early answer, and how long it lingers on close. */
export interface DrainLimits {
  drainBytes: number;
  drainMs: number;
}

const LINGER_MS = 2000;

/**
 * Makes an answer sent before its request body was read readable by every client (contract §4): a body
 * small enough is read away so the connection stays usable; otherwise the answer says `Connection: close`
 * and the socket is half-closed and read until the client closes, never reset under unread data.
 */
export function settleEarlyAnswer(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  limits: DrainLimits,
): void {
  if (!hasBody(incoming)) return;
  const writeHead = outgoing.writeHead;
  let closing = false;
  outgoing.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!incoming.complete) {
      const length = Number(incoming.headers['content-length']);
      const continued = !/^100-continue$/i.test(incoming.headers.expect ?? '') || continueSent(outgoing);
      // Without 100 Continue the client may never send the body; unknown or big remainders are not waited for.
      closing = !continued || !Number.isFinite(length) || length > limits.drainBytes || args[0] === 408;
      if (closing) {
        this.setHeader('connection', 'close');
        lingerOnClose(incoming, this.socket);
      }
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
  outgoing.once('finish', () => {
    if (incoming.complete || incoming.destroyed) return;
    drain(incoming, limits, closing);
  });
}

function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return (length !== undefined && length !== '0') || incoming.headers['transfer-encoding'] !== undefined;
}

function continueSent(outgoing: ServerResponse): boolean {
  return (outgoing as unknown as { _sent100?: boolean })._sent100 === true;
}

/** Reads the rest of the body away; past the bounds the connection is closed gracefully. */
function drain(incoming: IncomingMessage, limits: DrainLimits, closing: boolean): void {
  let read = 0;
  const socket = incoming.socket;
  const giveUp = () => {
    clearTimeout(timer);
    incoming.off('data', onData);
    if (!closing && socket && !socket.destroyed) gracefulClose(socket);
  };
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read > limits.drainBytes) giveUp();
  };
  const timer = setTimeout(giveUp, limits.drainMs);
  timer.unref();
  incoming.on('data', onData);
  incoming.once('end', () => {
    clearTimeout(timer);
    incoming.off('data', onData);
  });
  incoming.resume();
}

/** Replaces Node's destroySoon (a reset if the client is still sending) by a half-close and a linger. */
function lingerOnClose(incoming: IncomingMessage, socket: Socket | null): void {
  if (!socket) return;
  socket.destroySoon = () => gracefulClose(socket);
  incoming.resume();
}

function gracefulClose(socket: Socket): void {
  socket.destroySoon = () => {};
  socket.end();
  socket.resume();
  socket.on('data', () => {});
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
