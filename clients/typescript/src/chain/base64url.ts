const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Strict base64url decode with optional padding; null for anything else (Node's own decoder is lenient). */
export function fromBase64Url(text: string): Buffer | null {
  const bare = text.replace(/={1,2}$/, '');
  if (!BASE64URL.test(bare) || bare.length % 4 === 1) return null;
  if (bare !== text && text.length % 4 !== 0) return null;
  return Buffer.from(bare, 'base64url');
}
