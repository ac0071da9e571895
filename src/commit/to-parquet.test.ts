import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import canonicalize from 'canonicalize';
import type { ColumnDef, LakeRecord } from './lake-record.js';
import { toParquet } from './to-parquet.js';

const MAX = Number.MAX_SAFE_INTEGER;
const COLUMNS: ColumnDef[] = [
  { name: 'model', type: 'string' },
  { name: 'tokens', type: 'int64' },
  { name: 'score', type: 'double' },
  { name: 'ok', type: 'boolean' },
  { name: 'at', type: 'timestamp' },
  { name: 'meta', type: 'json', required: true },
];

function event(seq: number, ts: string, payload: Record<string, unknown>): LakeRecord {
  return {
    tenant: 'acme',
    table: 'agent_events',
    session_id: 's-1',
    seq,
    kind: 'event',
    type: 'llm.call',
    ts,
    payload: canonicalize(payload) as string,
    fields: payload,
    prev_hash: String(seq - 1).padStart(64, '0'),
    hash: String(seq).padStart(64, 'a'),
    visibility_token: `tok-${seq}`,
    ingested_at: new Date(Date.UTC(2026, 0, 30, 12, 0, 1, seq)),
    stream_seq: seq,
  };
}

function seal(seq: number): LakeRecord {
  const body = {
    type: 'CHAIN_SEAL',
    tenant: 'acme',
    table: 'agent_events',
    session_id: 's-1',
    from_seq: 1,
    seq,
    head_hash: String(seq).padStart(64, 'a'),
    prev_seal_hash: '0'.repeat(64),
    sealed_at: '2026-01-30T12:00:05.654321Z',
    key_id: 'k1',
    signature: 'c2ln',
    hash: 'f'.repeat(64),
  };
  return {
    tenant: 'acme',
    table: 'agent_events',
    session_id: 's-1',
    seq,
    kind: 'seal',
    type: 'CHAIN_SEAL',
    ts: body.sealed_at,
    payload: canonicalize(body) as string,
    fields: null,
    prev_hash: body.prev_seal_hash,
    hash: body.hash,
    visibility_token: 'tok-5',
    ingested_at: new Date(Date.UTC(2026, 0, 30, 12, 0, 6)),
    stream_seq: 9,
  };
}

const records: LakeRecord[] = [
  event(1, '2026-01-30T12:00:00.123456Z', {
    model: 'm1 — ünïcödé 🚀 עברית',
    tokens: 42,
    score: 0.5,
    ok: true,
    at: '2026-01-30T14:00:00.000001+02:00',
    meta: { z: [1, 'x'], a: null },
  }),
  event(2, '2026-01-30T07:00:00-05:00', {
    text: 'nul\u0000byte',
    model: 'a\u0000b',
    tokens: MAX,
    score: -1e300,
    ok: false,
    meta: 'str',
  }),
  event(3, '2026-01-30T12:00:00.1234567891Z', { tokens: -MAX, score: 3, meta: 7, at: null, model: null }),
  event(4, '1969-12-31T23:59:59.999999Z', { meta: [] }),
  event(5, '2026-01-30T12:00:00z', {}),
  seal(5),
];

// Expected values, written out independently of the code under test.
const expectedTs = [
  1_769_774_400_123_456n,
  1_769_774_400_000_000n,
  1_769_774_400_123_456n,
  -1n,
  1_769_774_400_000_000n,
  1_769_774_405_654_321n,
];
const expectedDeclared = [
  {
    model: 'm1 — ünïcödé 🚀 עברית',
    tokens: 42n,
    score: 0.5,
    ok: true,
    at: 1_769_774_400_000_001n,
    meta: '{"a":null,"z":[1,"x"]}',
  },
  { model: 'a\u0000b', tokens: BigInt(MAX), score: -1e300, ok: false, at: null, meta: '"str"' },
  { model: null, tokens: -BigInt(MAX), score: 3, ok: null, at: null, meta: '7' },
  { model: null, tokens: null, score: null, ok: null, at: null, meta: '[]' },
  { model: null, tokens: null, score: null, ok: null, at: null, meta: null },
  { model: null, tokens: null, score: null, ok: null, at: null, meta: null },
];

function expectedRow(r: LakeRecord, i: number): Record<string, unknown> {
  return {
    session_id: r.session_id,
    seq: BigInt(r.seq),
    kind: r.kind,
    type: r.type,
    ts: expectedTs[i],
    payload: r.payload,
    prev_hash: r.prev_hash,
    hash: r.hash,
    visibility_token: r.visibility_token,
    ingested_at: BigInt(r.ingested_at.getTime()) * 1000n,
    ...expectedDeclared[i],
  };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function readBack(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({
    file: toArrayBuffer(bytes),
    parsers: { timestampFromMicroseconds: (us: bigint) => us },
  });
}

describe('toParquet', () => {
  it('writes every core and declared column so that hyparquet reads back the same values', async () => {
    const rows = await readBack(toParquet(records, COLUMNS));
    expect(rows).toEqual(records.map(expectedRow));
    // JCS escapes U+0000 inside the payload text; a string column holds the raw character.
    expect(rows[1]?.payload).toContain('"nul\\u0000byte"');
    expect(rows[1]?.model).toBe('a\u0000b');
  });

  it('declares the schema of contract §6: core columns required, declared columns optional', () => {
    const meta = parquetMetadata(toArrayBuffer(toParquet(records, COLUMNS)));
    const cols = meta.schema.slice(1).map((e) => ({
      name: e.name,
      type: e.type,
      rep: e.repetition_type,
      logical: e.logical_type,
    }));
    const str = { type: 'BYTE_ARRAY', logical: { type: 'STRING' } };
    const tsz = { type: 'INT64', logical: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } };
    const i64 = { type: 'INT64', logical: undefined };
    expect(cols).toEqual([
      { name: 'session_id', rep: 'REQUIRED', ...str },
      { name: 'seq', rep: 'REQUIRED', ...i64 },
      { name: 'kind', rep: 'REQUIRED', ...str },
      { name: 'type', rep: 'REQUIRED', ...str },
      { name: 'ts', rep: 'REQUIRED', ...tsz },
      { name: 'payload', rep: 'REQUIRED', ...str },
      { name: 'prev_hash', rep: 'REQUIRED', ...str },
      { name: 'hash', rep: 'REQUIRED', ...str },
      { name: 'visibility_token', rep: 'REQUIRED', ...str },
      { name: 'ingested_at', rep: 'REQUIRED', ...tsz },
      { name: 'model', rep: 'OPTIONAL', ...str },
      { name: 'tokens', rep: 'OPTIONAL', ...i64 },
      { name: 'score', rep: 'OPTIONAL', type: 'DOUBLE', logical: undefined },
      { name: 'ok', rep: 'OPTIONAL', type: 'BOOLEAN', logical: undefined },
      { name: 'at', rep: 'OPTIONAL', ...tsz },
      // json columns carry Parquet's JSON logical type over the exact JCS text.
      { name: 'meta', rep: 'OPTIONAL', type: 'BYTE_ARRAY', logical: { type: 'JSON' } },
    ]);
    expect(meta.created_by).toBe('chainlake');
    expect(meta.row_groups[0]?.columns[0]?.meta_data?.codec).toBe('SNAPPY');
  });

  it('produces identical bytes for the same input, with no wall-clock time inside', async () => {
    const a = toParquet(records, COLUMNS);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const clone = records.map((r) => ({
      ...structuredClone(r),
      ingested_at: new Date(r.ingested_at.getTime()),
    }));
    const b = toParquet(clone, COLUMNS);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  });

  it('splits many rows into row groups of 10k and keeps their order', async () => {
    const many = Array.from({ length: 25_001 }, (_, i) =>
      event(i + 1, '2026-01-30T12:00:00Z', { tokens: i, model: `m${i % 7}`, meta: { i } }),
    );
    const bytes = toParquet(many, COLUMNS);
    const meta = parquetMetadata(toArrayBuffer(bytes));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([10_000, 10_000, 5_001]);
    const rows = await readBack(bytes);
    expect(rows).toHaveLength(25_001);
    expect(rows.map((r) => r.seq)).toEqual(many.map((r) => BigInt(r.seq)));
    expect(rows[25_000]).toMatchObject({ tokens: 25_000n, model: 'm3', meta: '{"i":25000}' });
  });

  it('writes a readable file with zero rows and without declared columns', async () => {
    expect(await readBack(toParquet([], COLUMNS))).toEqual([]);
    const rows = await readBack(toParquet([seal(1)], []));
    expect(Object.keys(rows[0] ?? {})).toHaveLength(10);
  });

  it('refuses a declared column that collides with a core column', () => {
    expect(() => toParquet(records, [{ name: 'payload', type: 'string' }])).toThrow(/collides/);
  });

  it('writes null for a field whose type does not match its declared column (the payload keeps it)', async () => {
    const rows = await readBack(
      toParquet(
        [
          event(1, '2026-01-30T12:00:00Z', { tokens: 1.5 }),
          event(2, '2026-01-30T12:00:00Z', { ok: 'yes' }),
          event(3, '2026-01-30T12:00:00Z', { at: 'yesterday' }),
        ],
        COLUMNS,
      ),
    );
    expect(rows.map((r) => [r.tokens, r.ok, r.at])).toEqual([
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
    expect(rows[0]?.payload).toBe('{"tokens":1.5}');
  });

  describe('read back by DuckDB', () => {
    let dir: string;
    let instance: DuckDBInstance;
    let conn: DuckDBConnection;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'chainlake-parquet-'));
      instance = await DuckDBInstance.create(':memory:');
      conn = await instance.connect();
    });

    afterAll(async () => {
      conn?.closeSync();
      instance?.closeSync();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('sees TIMESTAMP WITH TIME ZONE, BIGINT, VARCHAR, DOUBLE and BOOLEAN with equal values', async () => {
      const file = join(dir, 'records.parquet');
      await writeFile(file, toParquet(records, COLUMNS));
      const types = await conn.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
      expect(
        Object.fromEntries(types.columnNames().map((n, i) => [n, types.columnType(i).toString()])),
      ).toEqual({
        session_id: 'VARCHAR',
        seq: 'BIGINT',
        kind: 'VARCHAR',
        type: 'VARCHAR',
        ts: 'TIMESTAMP WITH TIME ZONE',
        payload: 'VARCHAR',
        prev_hash: 'VARCHAR',
        hash: 'VARCHAR',
        visibility_token: 'VARCHAR',
        ingested_at: 'TIMESTAMP WITH TIME ZONE',
        model: 'VARCHAR',
        tokens: 'BIGINT',
        score: 'DOUBLE',
        ok: 'BOOLEAN',
        at: 'TIMESTAMP WITH TIME ZONE',
        meta: 'VARCHAR',
      });
      const reader = await conn.runAndReadAll(
        `SELECT * REPLACE (epoch_us(ts) AS ts, epoch_us(ingested_at) AS ingested_at, epoch_us("at") AS "at")
         FROM read_parquet('${file}')`,
      );
      expect(reader.getRowObjects()).toEqual(records.map(expectedRow));
      const utc = await conn.runAndReadAll(
        `SELECT strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f') AS t FROM read_parquet('${file}') WHERE seq = 1`,
      );
      expect(utc.getRowObjects()).toEqual([{ t: '2026-01-30T12:00:00.123456' }]);
    });
  });
});
