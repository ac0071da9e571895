import { describe, expect, it } from 'vitest';
import { duckdbExpression } from './duckdb-expression.js';

describe('duckdbExpression', () => {
  it('reads local files by path and S3 objects by URL, lined up by column name', () => {
    expect(duckdbExpression(['file:///data/lake/t/a.parquet', 's3://bucket/lake/t/b.parquet'])).toBe(
      "read_parquet(['/data/lake/t/a.parquet', 's3://bucket/lake/t/b.parquet'], union_by_name = true)",
    );
  });

  it('quotes a single quote and decodes percent-escapes of file URLs', () => {
    expect(duckdbExpression(["file:///tmp/it's%20here/a.parquet"])).toBe(
      "read_parquet(['/tmp/it''s here/a.parquet'], union_by_name = true)",
    );
  });

  it('refuses an empty list, which DuckDB cannot read', () => {
    expect(() => duckdbExpression([])).toThrow(/at least one file/);
  });
});
