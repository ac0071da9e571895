import { hash, sign, verify, type KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url } from './base64url.js';
import type { SealKey } from './types.js';

/** What a log message's tag covers: everything the committer takes from the message. */
export interface LogTagInput {
  subject: string;
  idempotencyKey?: string;
  fingerprint?: string;
  requestCount?: number;
  body: Uint8Array;
}

/** The signed text: a domain label, the subject and headers the committer reads, and the body's digest. */
function signedText(m: LogTagInput): string {
  return [
    'chainlake-log-v1',
    m.subject,
    m.idempotencyKey ?? '',
    m.fingerprint ?? '',
    m.requestCount === undefined ? '' : String(m.requestCount),
    hash('sha256', m.body, 'hex'),
  ].join('\n');
}

/**
 * Tags a log message as written by the gatekeeper: `{kid}.{base64url Ed25519 signature}`. The committer
 * checks this one signature instead of re-hashing every event, and needs only public keys for it.
 */
export function signLogTag(key: SealKey, m: LogTagInput): string {
  return `${key.kid}.${toBase64Url(sign(null, Buffer.from(signedText(m), 'utf8'), key.privateKey))}`;
}

/** Whether `tag` is a valid tag of the message by one of `keys`. */
export function verifyLogTag(keys: Map<string, KeyObject>, m: LogTagInput, tag: string | undefined): boolean {
  if (tag === undefined) return false;
  const dot = tag.lastIndexOf('.');
  const key = dot > 0 ? keys.get(tag.slice(0, dot)) : undefined;
  const signature = fromBase64Url(tag.slice(dot + 1));
  if (key === undefined || signature === null || signature.length !== 64) return false;
  return verify(null, Buffer.from(signedText(m), 'utf8'), key, signature);
}
