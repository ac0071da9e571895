import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw, type Gunzip } from 'node:zlib';
import type { Context } from 'hono';
import { AppError } from '../errors.js';
import type { AppEnv } from './app-env.js';
import type { BodyBudget } from './body-budget.js';
import { ClientClosedError } from './client-closed-error.js';

/** Limits of one request body; every byte limit applies to the decoded body (contract §4). */
export interface BodyLimits {
  maxBodyBytes: number;
  /** From the first byte read to the last. */
  bodyTimeoutMs: number;
  budget?: BodyBudget;
}

const ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate']);
/** Budget reserved at a time for a body whose decoded size is not known in advance. */
const GROW_STEP = 1024 * 1024;

/**
 * Reads the request body into one Buffer: Content-Length checked before anything is read (and before
 * `100 Continue`), bytes counted while reading, gzip/deflate decoded as a stream.
 */
export async function readBody(c: Context<AppEnv>, limits: BodyLimits): Promise<Buffer> {
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && !ENCODINGS.has(encoding)) {
    throw new AppError('unsupported_media_type', 'Content-Encoding must be gzip, deflate or identity.');
  }
  const declared = c.req.header('content-length');
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  const keep = (release: () => void) => c.get('afterAnswer').push(release);
  const reserve = async (bytes: number) => (limits.budget ? limits.budget.acquire(bytes) : () => {});
  // A sized plain body reserves its size; a compressed or chunked one a first step, then more as it grows.
  const first =
    encoding === 'identity' && length !== undefined ? length : Math.min(limits.maxBodyBytes, GROW_STEP);
  keep(await reserve(first));
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  const incoming = env?.incoming;
  if (incoming && env?.outgoing && /^100-continue$/i.test(c.req.header('expect') ?? '')) {
    env.outgoing.writeContinue();
  }
  const source = incoming ?? (c.req.raw.body ? Readable.fromWeb(c.req.raw.body as never) : Readable.from([]));
  const grow = limits.budget && first < limits.maxBodyBytes ? { reserved: first, reserve, keep } : null;
  return collect(source, encoding === 'identity' ? null : encoding, limits, grow);
}

interface Growth {
  reserved: number;
  reserve(bytes: number): Promise<() => void>;
  /** Gives the bytes back once the answer is produced. */
  keep(release: () => void): void;
}

function collect(
  source: Readable,
  encoding: string | null,
  limits: BodyLimits,
  grow: Growth | null,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const max = limits.maxBodyBytes;
    const chunks: Buffer[] = [];
    let raw = 0;
    let decoded = 0;
    let inflater: Gunzip | null = null;
    let settled = false;
    const timer = setTimeout(
      () =>
        finish(
          new AppError(
            'request_timeout',
            `The request body was not received within ${limits.bodyTimeoutMs} ms.`,
          ),
        ),
      limits.bodyTimeoutMs,
    );
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      source.off('data', onRaw).off('end', onEnd).off('error', onGone).off('close', onClose);
      // Paused, never destroyed: the edge then drains the rest or closes gracefully, never a reset.
      source.pause();
      if (inflater) inflater.destroy();
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded));
    };
    let growing = false;
    const onDecoded = (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > max) return finish(tooLarge(max));
      chunks.push(chunk);
      if (grow && !growing && decoded > grow.reserved) {
        // Reading waits (TCP holds the rest back) until the budget has room for the next step.
        growing = true;
        source.pause();
        const step = Math.min(GROW_STEP, max - grow.reserved);
        grow.reserve(step).then(
          (release) => {
            // Granted after the read ended (timeout, limit): nobody holds these bytes.
            if (settled) return release();
            grow.keep(release);
            grow.reserved += step;
            growing = false;
            source.resume();
          },
          (err: Error) => finish(err),
        );
      }
    };
    const onRaw = (chunk: Buffer) => {
      raw += chunk.length;
      if (raw > max) return finish(tooLarge(max));
      if (!encoding) return onDecoded(chunk);
      inflater ??= openInflater(encoding, chunk);
      inflater.write(chunk);
    };
    const openInflater = (name: string, first: Buffer): Gunzip => {
      // "deflate" should be zlib-wrapped (RFC 9110 §8.4.1.2); some clients send raw deflate.
      const zlibHeader =
        first.length >= 2 && (first[0]! & 0x0f) === 8 && (first[0]! * 256 + first[1]!) % 31 === 0;
      const z = name === 'deflate' ? (zlibHeader ? createInflate() : createInflateRaw()) : createGunzip();
      z.on('data', onDecoded);
      z.on('end', () => finish(null));
      z.on('error', () =>
        finish(
          new AppError('invalid_request', `The body is not valid ${name} data.`, {
            errors: [{ path: '', message: `invalid ${name} data` }],
          }),
        ),
      );
      return z as Gunzip;
    };
    const onEnd = () => {
      if (!encoding) return finish(null);
      if (!inflater) return finish(null); // empty body
      inflater.end();
    };
    const onGone = () => finish(new ClientClosedError());
    const onClose = () => {
      if (!source.readableEnded) onGone();
    };
    source.on('data', onRaw).on('end', onEnd).on('error', onGone).on('close', onClose);
    source.resume();
  });
}

function tooLarge(max: number) {
  return new AppError('batch_too_large', `The request body exceeds ${max} bytes. Split the batch.`);
}
