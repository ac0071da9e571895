const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Microseconds since the Unix epoch of an RFC 3339 date-time, computed exactly (no float).
 * Digits beyond the microsecond are truncated; a leap second (`:60`) counts as the next second.
 */
export function rfc3339ToMicros(ts: string): bigint {
  const m = RFC3339.exec(ts);
  if (!m) throw new RangeError(`not an RFC 3339 date-time: ${JSON.stringify(ts)}`);
  const num = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [num(1), num(2), num(3), num(4), num(5), num(6)];
  const [offH, offM] = [num(10), num(11)];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 60 ||
    offH > 23 ||
    offM > 59
  ) {
    throw new RangeError(`not an RFC 3339 date-time: ${JSON.stringify(ts)}`);
  }
  const offsetSeconds = (m[9] === '-' ? -1 : 1) * (offH * 3600 + offM * 60);
  // Whole seconds stay far below 2^53 for years 0000–9999, so number arithmetic is exact here.
  const seconds =
    daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  const fraction = BigInt(((m[7] ?? '') + '000000').slice(0, 6));
  return BigInt(seconds) * 1_000_000n + fraction;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
