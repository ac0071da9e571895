import type { ClientEvent } from '../chain/index.js';
import type { FieldError } from '../errors.js';

// In unicode mode a valid surrogate pair is one code point, so \p{Cs} matches only lone surrogates.
const LONE_SURROGATE = /\p{Cs}/u;
/** Deeper than any payload that passed the depth limit; bounds the walk of one that did not. */
const MAX_WALK_DEPTH = 1000;

/**
 * Runs `work`, which canonicalizes (RFC 8785) the events' payloads. canonicalJson throws a TypeError
 * for values JCS cannot represent (lone surrogates, ±Infinity from `1e400`): those become 400 errors
 * naming the place; a TypeError with no such value behind it is a bug and is rethrown.
 */
export function whenCanonical<T>(
  events: ClientEvent[],
  work: () => T,
  invalid: (errors: FieldError[]) => Error,
): T {
  try {
    return work();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const errors = uncanonicalValues(events);
    if (errors.length === 0) throw err;
    throw invalid(errors);
  }
}

/** The first value of each event's payload that JCS cannot represent. */
export function uncanonicalValues(events: ClientEvent[]): FieldError[] {
  const errors: FieldError[] = [];
  events.forEach((ev, i) => {
    const found = findUnrepresentable(ev.payload, `/events/${i}/payload`, 0);
    if (found) errors.push(found);
  });
  return errors;
}

function findUnrepresentable(value: unknown, path: string, depth: number): FieldError | null {
  if (typeof value === 'string') {
    return LONE_SURROGATE.test(value)
      ? { path, message: 'contains a lone surrogate (not valid Unicode; RFC 8785 cannot represent it)' }
      : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : { path, message: 'is a number out of range (RFC 8785 cannot represent it)' };
  }
  if (typeof value !== 'object' || value === null || depth >= MAX_WALK_DEPTH) return null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (LONE_SURROGATE.test(key)) {
      return { path: at, message: 'the member name contains a lone surrogate (not valid Unicode)' };
    }
    const found = findUnrepresentable(child, at, depth + 1);
    if (found) return found;
  }
  return null;
}
