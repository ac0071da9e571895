import { AppError } from '../errors.js';

/** Parses a message body as JSON; malformed JSON is a 400 `invalid_request`, as over HTTP. */
export function parseJsonBody(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data)) as unknown;
  } catch (err) {
    throw new AppError('invalid_request', `The body is not valid JSON: ${(err as Error).message}`, {
      errors: [{ path: '', message: 'malformed JSON' }],
    });
  }
}
