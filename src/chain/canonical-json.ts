import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value; throws a TypeError for anything JCS cannot represent
 * (undefined, NaN, ±Infinity, lone surrogates, BigInt, cycles). Meant for parsed JSON: a function nested in
 * an object or array is not caught (canonicalize emits `undefined` or an empty slot for it).
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (err) {
    // canonicalize throws plain Errors; one error type lets callers map "not JSON" in one place.
    if (err instanceof TypeError) throw err;
    throw new TypeError(`not canonicalizable JSON: ${(err as Error).message}`, { cause: err });
  }
  if (text === undefined) throw new TypeError('not canonicalizable JSON: the value has no JSON form');
  return text;
}
