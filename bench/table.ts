/** Plain-text tables of the bench report. */
export type Cell = string | number;

/** Aligned columns: text left, numbers right. */
export function table(headers: string[], rows: Cell[][]): string[] {
  const cells = [headers, ...rows.map((r) => r.map(fmt))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === '-'));
  return cells.map((r) =>
    r
      .map((c, i) => (numeric[i] ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** A number with thousands separators and at most two decimals. */
export function fmt(c: Cell): string {
  if (typeof c === 'string') return c;
  return Number.isInteger(c)
    ? c.toLocaleString('en-US')
    : c.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
