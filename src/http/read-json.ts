import type { Context } from 'hono';
import { AppError } from '../errors.js';
import type { AppEnv } from './app-env.js';
import { readBody, type BodyLimits } from './read-body.js';

/**
 * Reads a JSON request body: 415 for another media type or encoding (before any byte is read), 413 past
 * the limit, 400 for malformed JSON or invalid UTF-8. One decode and one JSON.parse.
 */
export async function readJson(c: Context<AppEnv>, limits: BodyLimits): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const bytes = await readBody(c, limits);
  let text: string;
  try {
    // Strict UTF-8 (RFC 8259 §8.1), as over NATS: invalid bytes are refused, never replaced by U+FFFD.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('invalid_request', 'The body is not valid UTF-8.', {
      errors: [{ path: '', message: 'invalid UTF-8' }],
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('invalid_request', `The body is not valid JSON: ${(err as Error).message}`, {
      errors: [{ path: '', message: 'malformed JSON' }],
    });
  }
}
