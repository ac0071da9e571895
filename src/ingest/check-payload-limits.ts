import { canonicalJson, type ClientEvent } from '../chain/index.js';
import type { FieldError } from '../errors.js';

export interface PayloadLimits {
  maxPayloadBytes: number;
  maxDepth: number;
}

/** Finds payloads over the canonical size or nesting limit (contract §4: 400 invalid_request). */
export function checkPayloadLimits(events: ClientEvent[], limits: PayloadLimits): FieldError[] {
  const errors: FieldError[] = [];
  events.forEach((ev, i) => {
    const depth = maxDepth(ev.payload, limits.maxDepth + 1);
    if (depth > limits.maxDepth) {
      errors.push({ path: `/events/${i}/payload`, message: `nesting depth exceeds ${limits.maxDepth}` });
      return;
    }
    // JSON.stringify is a cheap upper-bound estimate; only payloads near the limit pay for JCS.
    const rough = Buffer.byteLength(JSON.stringify(ev.payload));
    if (rough * 1.1 < limits.maxPayloadBytes) return;
    const exact = Buffer.byteLength(canonicalJson(ev.payload));
    if (exact > limits.maxPayloadBytes) {
      errors.push({
        path: `/events/${i}/payload`,
        message: `canonical payload is ${exact} bytes; the limit is ${limits.maxPayloadBytes}`,
      });
    }
  });
  return errors;
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
