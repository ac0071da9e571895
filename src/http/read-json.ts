import type { Context } from 'hono';
import { AppError } from '../errors.js';

/** Reads a JSON request body: 415 for another media type, 400 for malformed JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('invalid_request', `The body is not valid JSON: ${(err as Error).message}`, {
      errors: [{ path: '', message: 'malformed JSON' }],
    });
  }
}
