/**
 * RFC 8785 (JCS) canonical JSON of a parsed JSON value; throws a TypeError for anything JCS cannot
 * represent (undefined, NaN, ±Infinity, lone surrogates, BigInt, functions).
 *
 * Why not the `canonicalize` package at run time: it scans every string character by character in
 * JavaScript, and was half as fast on the ingest hot path (docs/decisions.md). It stays the oracle that
 * a property test compares this function with, on generated JSON values.
 */
export function canonicalJson(value: unknown): string {
  try {
    // Most producers (our SDK too) send members already in JCS order: then the native serialiser
    // writes exactly the canonical text, after one check that allocates nothing.
    return inCanonicalOrder(value) ? JSON.stringify(value) : jcs(value);
  } catch (err) {
    // A cycle or extreme nesting overflows the stack; parsed JSON has no cycles, and ingest caps depth.
    if (err instanceof RangeError)
      throw new TypeError('not canonicalizable JSON: cyclic or too deeply nested');
    throw err;
  }
}

function jcs(value: unknown): string {
  switch (typeof value) {
    case 'string':
      // JSON.stringify is JCS's string form (RFC 8785 §3.2.2.2) once lone surrogates are excluded.
      if (!value.isWellFormed())
        throw new TypeError('not canonicalizable JSON: a string holds a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      // ECMAScript's Number-to-string is JCS's number form (RFC 8785 §3.2.2.3), -0 included.
      if (!Number.isFinite(value))
        throw new TypeError(`not canonicalizable JSON: ${value} is not a finite number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + jcs(value[i]);
        return out + ']';
      }
      // Default sort compares UTF-16 code units, exactly JCS's property order (RFC 8785 §3.2.3).
      const keys = Object.keys(value).sort();
      const obj = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = obj[key];
        if (member === undefined) continue;
        out += (first ? '' : ',') + jcs(key) + ':' + jcs(member);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`not canonicalizable JSON: a ${typeof value} has no JSON form`);
  }
}

/**
 * Whether JSON.stringify(value) is its JCS text: every object's keys, in their own enumeration order,
 * strictly ascend by UTF-16 code units (integer-like keys, which JavaScript enumerates first, fail this
 * unless already in order), every string is well formed and every number finite.
 */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed();
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i])) return false;
        return true;
      }
      const obj = value as Record<string, unknown>;
      // Only plain objects: JSON.stringify would call an inherited toJSON (a Date's, say).
      const proto: unknown = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) return false;
      let prev: string | undefined;
      for (const key in obj) {
        if (!Object.hasOwn(obj, key)) return false;
        if ((prev !== undefined && !(prev < key)) || !key.isWellFormed()) return false;
        const member = obj[key];
        if (member === undefined || !inCanonicalOrder(member)) return false;
        prev = key;
      }
      return true;
    }
    default:
      return false;
  }
}
