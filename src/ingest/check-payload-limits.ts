import { canonicalJson, type ClientEvent } from '../chain/index.js';
import type { FieldError } from '../errors.js';

export interface PayloadLimits {
  maxPayloadBytes: number;
  maxDepth: number;
}

/**
 * Canonicalizes every payload once (the hash reuses the text) and finds those over the canonical size
 * or nesting limit (docs/contract.md §4: 400 invalid_request). Throws canonicalJson's TypeError for a value JCS
 * cannot represent; see whenCanonical.
 */
export function checkPayloadLimits(
  events: ClientEvent[],
  limits: PayloadLimits,
): { errors: FieldError[]; canonical: string[] } {
  const errors: FieldError[] = [];
  const canonical = events.map((ev, i) => {
    if (maxDepth(ev.payload, limits.maxDepth + 1) > limits.maxDepth) {
      errors.push({ path: `/events/${i}/payload`, message: `nesting depth exceeds ${limits.maxDepth}` });
      return '';
    }
    const text = canonicalJson(ev.payload);
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: most payloads need no exact count.
    const bytes = text.length * 3 <= limits.maxPayloadBytes ? text.length : Buffer.byteLength(text);
    if (bytes > limits.maxPayloadBytes) {
      errors.push({
        path: `/events/${i}/payload`,
        message: `canonical payload is ${bytes} bytes; the limit is ${limits.maxPayloadBytes}`,
      });
    }
    return text;
  });
  return { errors, canonical };
}

/** Depth of a JSON value (an empty object counts 1), stopping early once `stopAt` is reached. */
function maxDepth(value: unknown, stopAt: number, depth = 0): number {
  if (typeof value !== 'object' || value === null) return depth;
  const next = depth + 1;
  if (next >= stopAt) return next;
  let deepest = next;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (typeof child === 'object' && child !== null) {
      deepest = Math.max(deepest, maxDepth(child, stopAt, next));
      if (deepest >= stopAt) break;
    }
  }
  return deepest;
}
