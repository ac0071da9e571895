/**
 * RFC 8785 (JCS) canonical JSON of a parsed JSON value; throws a TypeError for anything JCS cannot
 * represent (undefined, NaN, ±Infinity, lone surrogates, BigInt, functions).
 * The same code as the server's chain core; the chain test vectors keep the two equal.
 */
export function canonicalJson(value: unknown): string {
  try {
    return jcs(value);
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
