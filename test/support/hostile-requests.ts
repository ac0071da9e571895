import fc from 'fast-check';
import { GENESIS_HASH, hashEvent, type ClientEvent } from '../../src/chain/index.js';
import { makeTestChain } from '../../src/chain/make-test-chain.js';

/**
 * Generators of hostile HTTP requests for test/integration/fuzz-http.int.test.ts. Every request they
 * make must be refused with a 4xx, given the state the test sets up: tables `fz` and `typed` of tenant
 * `default`, and session `s-base` of `fz` accepted up to seq 5 with idempotency key `k-base`.
 * Anything that could be valid is built to be wrong in at least one way that cannot be undone by
 * a further mutation (hashes never recomputed after a change, or the accepted state refusing it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
/** The state the fuzz test sets up, which the generators rely on. */
export const TABLE = 'fz';
export const TYPED = 'typed';
export const BASE = 's-base';
export const BASE_HEAD = 5;
export const base = makeTestChain(TABLE, BASE, 10);
const EXISTING = new Set([TABLE, TYPED]);

/** One request: sent through `app.request`, in process. */
export interface Case {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Percent-encodes any string; a lone surrogate goes as U+FFFD, as a browser would send it. */
const enc = (s: string) => encodeURIComponent(s.toWellFormed());

// ---- values -------------------------------------------------------------------------------------

const hostileText = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '\u202eevil\u202c',
  '\u200f\u061c',
  '😀',
  '👩‍👩‍👧‍👦',
  '\ufeff',
  '\uffff',
  '\r\n',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  "'; drop table records; --",
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'CHAIN_SEAL',
  '__proto__',
  'constructor',
  'x'.repeat(129),
  'x'.repeat(70_000),
);
/** Idempotency keys a NATS header or Postgres text cannot carry as they are. */
const hostileKey = fc.constantFrom(
  'a\u0000b',
  'a\nb',
  '\r',
  ' lead',
  'trail ',
  '\t',
  'x\ud800',
  '\u007f',
  'k\u001b[0m',
  '\u00a0nbsp',
  '\ufeffbom',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  hostileText,
);
const hostileNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 63),
  1e21,
  1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER + 1,
);
const anyJson: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    text,
    hostileNumber,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(text, tie('v'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const sessionName = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/).map((s) => `f-${s}`);
const tableGarbage = fc
  .oneof(
    text,
    fc.stringMatching(/^[a-z][a-z0-9_]{0,70}$/),
    fc.constantFrom('..', '.', '%2e%2e', 'FZ', 'fz ', ' fz', 'fz%00', 'a'.repeat(64), 'a'.repeat(300)),
  )
  .filter((t) => !EXISTING.has(t) && t.length > 0);
const badTimestamp = fc.oneof(
  text,
  fc.constantFrom('2026-01-30', '2026-13-01T00:00:00Z', '2026-01-30T12:00:00', '2026-01-30 12:00:00Z', '1e9'),
);
const badType = fc.oneof(
  text.filter((t) => !/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/.test(t)),
  fc.constant('CHAIN_SEAL'),
);

/** `arb` with probability 1/n, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: arb, weight: 1 }, { arbitrary: fc.constant(null), weight: n - 1 });
/** Mostly the well-typed value, so that many bodies get past the schema to the deeper checks. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { arbitrary: valid as fc.Arbitrary<unknown>, weight: 3 * bad.length },
    ...bad.map((b) => ({ arbitrary: b, weight: 1 })),
  );
/** A field of an event: mostly well-typed, sometimes anything at all. */
const eventFields = {
  seq: mostly(fc.integer({ min: 1, max: 20 }), hostileNumber, anyJson),
  type: mostly(fc.constantFrom('llm.call', 'a', 'A:b.c-d_e'), badType, anyJson),
  ts: mostly(fc.constantFrom('2026-01-30T12:00:00Z', '2026-01-30T12:00:00.123+05:30'), badTimestamp, anyJson),
  payload: mostly(fc.dictionary(text, anyJson, { maxKeys: 5, noNullPrototype: true }), anyJson),
  prev_hash: mostly(
    fc.oneof(hex, fc.constant(GENESIS_HASH)),
    hex.map((h) => h.toUpperCase()),
    anyJson,
  ),
  // Random: a correct one is as likely as guessing SHA-256, so every such body must be refused.
  hash: mostly(hex, anyJson),
};
const shapedEvent = fc
  .record({
    ...eventFields,
    drop: sometimes(fc.constantFrom(...Object.keys(eventFields)), 8),
    extra: sometimes(fc.dictionary(text, anyJson, { minKeys: 1, maxKeys: 2, noNullPrototype: true }), 8),
  })
  .map(({ drop, extra, ...ev }) => {
    const out: Record<string, unknown> = { ...ev, ...extra };
    if (drop !== null) delete out[drop];
    return out;
  });

/** A body shaped like an ingest request with at least one thing wrong, as a value. */
const shapedBody = fc
  .record({
    session_id: fc.oneof(sessionName, fc.constant(BASE), anyJson),
    idempotency_key: fc.option(fc.oneof(fc.string({ maxLength: 20 }), hostileText, anyJson), { freq: 2 }),
    events: fc.oneof(
      { arbitrary: fc.array(shapedEvent, { minLength: 1, maxLength: 4 }), weight: 8 },
      { arbitrary: fc.constantFrom([], {}, null, 'events', 1), weight: 1 },
      { arbitrary: anyJson, weight: 1 },
      { arbitrary: shapedEvent.map((ev) => Array.from({ length: 1001 }, () => ev)), weight: 1 },
    ),
    drop: sometimes(fc.constantFrom('session_id', 'events'), 8),
    extra: sometimes(fc.dictionary(text, anyJson, { minKeys: 1, maxKeys: 2, noNullPrototype: true }), 8),
  })
  .map(({ drop, extra, idempotency_key, ...b }) => {
    const out: Record<string, unknown> = { ...b, ...extra };
    if (idempotency_key !== null) out.idempotency_key = idempotency_key;
    if (drop !== null) delete out[drop];
    return JSON.stringify(out);
  });

/** A correctly hashed chain for (table, session) from `from` (prev_hash given): valid in itself. */
function chainText(
  table: string,
  session: string,
  from: number,
  prev: string,
  payloads: Record<string, unknown>[],
) {
  let prevHash = prev;
  const events = payloads.map((payload, i) => {
    const ev = { seq: from + i, type: 'fuzz', ts: '2026-01-30T12:00:00Z', payload, prev_hash: prevHash };
    const full = { ...ev, hash: hashEvent(table, session, ev) };
    prevHash = full.hash;
    return full;
  });
  return events;
}
const jcsPayloads = fc.array(
  fc.dictionary(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.jsonValue({ maxDepth: 2, stringUnit: 'grapheme' }),
    { maxKeys: 3, noNullPrototype: true },
  ),
  { minLength: 1, maxLength: 3 },
);

/**
 * A correctly hashed new session with exactly one change that must be refused: content changed without
 * rehash (hash_mismatch), a link broken (broken_link), seqs out of order, or a value JCS cannot represent.
 */
const nearValidBody: fc.Arbitrary<string> = fc
  .tuple(
    sessionName,
    jcsPayloads,
    fc.nat(),
    fc.constantFrom('content', 'relink', 'rehashed', 'genesis', 'seq', 'surrogate', 'column'),
  )
  .chain(([s, payloads, pick, how]) => {
    const events: Record<string, unknown>[] = chainText(TABLE, s, 1, GENESIS_HASH, payloads);
    const i = pick % events.length;
    const ev = events[i]!;
    const rehashed = (e: Record<string, unknown>) => ({
      ...e,
      hash: hashEvent(TABLE, s, e as unknown as ClientEvent),
    });
    const other = fc
      .oneof(
        fc
          .dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
            noNullPrototype: true,
          })
          .map((payload) => ({ payload })),
        fc.constantFrom(
          { type: 'other.type' },
          { ts: '2026-01-30T12:00:00.000Z' },
          { ts: '2026-01-30T12:00:00+00:00' },
        ),
      )
      .filter(
        (change) =>
          JSON.stringify({ ...ev, ...change }) !== JSON.stringify(ev) &&
          !sameCanonical({ ...ev, ...change }, ev),
      );
    const change: fc.Arbitrary<Record<string, unknown>[]> =
      how === 'content'
        ? other.map((ch) => events.map((e, j) => (j === i ? { ...e, ...ch } : e)))
        : how === 'rehashed' && i < events.length - 1
          ? other.map((ch) => events.map((e, j) => (j === i ? rehashed({ ...e, ...ch }) : e)))
          : how === 'relink' || how === 'genesis'
            ? hex.map((h) =>
                events.map((e, j) =>
                  j === (how === 'genesis' ? 0 : i) ? rehashed({ ...e, prev_hash: h }) : e,
                ),
              )
            : how === 'seq'
              ? fc
                  .constantFrom(1, 2, -1, 1000)
                  .map((d) => events.map((e, j) => (j === i ? { ...e, seq: (e.seq as number) + d } : e)))
              : how === 'column'
                ? fc
                    .constantFrom('x', 1.5, 2 ** 53, true)
                    .map((n) => events.map((e, j) => (j === i ? rehashed({ ...e, payload: { n } }) : e)))
                : fc.constant(
                    events.map((e, j) =>
                      j === i ? { ...e, payload: { ...(e.payload as object), t: 'a\ud800' } } : e,
                    ),
                  );
    return fc
      .tuple(change, sometimes(hostileKey, 3))
      .map(([evs, key]) =>
        JSON.stringify(
          key === null
            ? { session_id: s, events: evs }
            : { session_id: s, idempotency_key: key, events: evs },
        ),
      );
  });

/** The same hashed content: only a content change that alters the canonical form is a change. */
function sameCanonical(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  try {
    return (
      hashEvent(TABLE, 'x', a as unknown as ClientEvent) ===
      hashEvent(TABLE, 'x', b as unknown as ClientEvent)
    );
  } catch {
    return false;
  }
}

/** Correctly hashed batches that the accepted state refuses: gaps, forks, conflicts, reused keys, columns. */
const stateBody: fc.Arbitrary<{ table: string; tenant?: string; body: string }> = fc.oneof(
  // A new session starting above seq 1: sequence_gap.
  fc.tuple(sessionName, fc.integer({ min: 2, max: 1000 }), hex, jcsPayloads).map(([s, from, prev, p]) => ({
    table: TABLE,
    body: JSON.stringify({ session_id: s, events: chainText(TABLE, s, from, prev, p) }),
  })),
  // s-base above head + 1: sequence_gap; at head + 1 not linking to the head: sequence_conflict.
  fc
    .tuple(fc.integer({ min: BASE_HEAD + 1, max: BASE_HEAD + 50 }), hex, jcsPayloads)
    .map(([from, prev, p]) => ({
      table: TABLE,
      body: JSON.stringify({ session_id: BASE, events: chainText(TABLE, BASE, from, prev, p) }),
    })),
  // An overlap with s-base that differs from the accepted events: sequence_conflict.
  fc.tuple(fc.integer({ min: 1, max: BASE_HEAD }), jcsPayloads).map(([from, p]) => ({
    table: TABLE,
    body: JSON.stringify({
      session_id: BASE,
      events: chainText(
        TABLE,
        BASE,
        from,
        from === 1 ? GENESIS_HASH : base[from - 2]!.hash,
        p.map((x) => ({ ...x, forked: true })),
      ),
    }),
  })),
  // A known idempotency key with other events (which would also be a gap): idempotency_key_reused.
  fc.tuple(sessionName, hex, jcsPayloads).map(([s, prev, p]) => ({
    table: TABLE,
    body: JSON.stringify({
      session_id: s,
      idempotency_key: 'k-base',
      events: chainText(TABLE, s, 2, prev, p),
    }),
  })),
  // The declared column n is a required int64: wrong types (and a gap behind them).
  fc
    .tuple(sessionName, hex, fc.constantFrom(undefined, null, '1', 1.5, 2 ** 53, true, [], {}, -(2 ** 60)))
    .map(([s, prev, n]) => ({
      table: TYPED,
      body: JSON.stringify({
        session_id: s,
        events: chainText(TYPED, s, 2, prev, [n === undefined ? {} : { n }]),
      }),
    })),
  // A table that does not exist, or exists only for another tenant.
  fc
    .tuple(
      sessionName,
      hex,
      jcsPayloads,
      fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/).filter((t) => t !== 'default'),
    )
    .map(([s, prev, p, tenant]) => ({
      table: TABLE,
      tenant,
      body: JSON.stringify({ session_id: s, events: chainText(TABLE, s, 2, prev, p) }),
    })),
  fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/).filter((t) => !EXISTING.has(t)),
      sessionName,
      jcsPayloads,
    )
    .map(([t, s, p]) => ({
      table: t,
      body: JSON.stringify({ session_id: s, events: chainText(t, s, 2, GENESIS_HASH, p) }),
    })),
);

/** JSON text the schema must refuse however it parses: deep nesting, huge values, duplicate keys, number forms. */
const deep = (d: number, open: string, close: string, leaf = '') => open.repeat(d) + leaf + close.repeat(d);
const nastyText = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 65, max: 10_000 }),
      fc.constantFrom('payload', 'extra', 'events', 'session_id', 'idempotency_key'),
      fc.boolean(),
    )
    .map(([d, where, arrays]) => {
      const nest = arrays ? deep(d, '[', ']') : deep(d - 1, '{"a":', '}', '{}');
      const ev = (payload: string) =>
        `{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","prev_hash":"${GENESIS_HASH}","hash":"${'a'.repeat(64)}","payload":${payload}}`;
      if (where === 'payload')
        return `{"session_id":"f-deep","events":[${ev(arrays ? `{"a":${nest}}` : nest)}]}`;
      if (where === 'events') return `{"session_id":"f-deep","events":${nest}}`;
      if (where === 'extra') return `{"session_id":"f-deep","x":${nest},"events":[${ev('{}')}]}`;
      // A repeated member: the last (deep) value is the one JSON.parse keeps.
      return `{"session_id":"f-deep","events":[${ev('{}')}],"${where}":${nest}}`;
    }),
  fc.constantFrom(
    `{"session_id":"f-big","events":[{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","prev_hash":"${GENESIS_HASH}","hash":"${'a'.repeat(64)}","payload":{"t":"${'x'.repeat(300_000)}"}}]}`,
    `{"session_id":"${'s'.repeat(200_000)}","events":[]}`,
    `{"session_id":"f-8m","events":[],"pad":"${'x'.repeat(8 * 1024 * 1024)}"}`,
  ),
  fc
    .tuple(
      fc.constantFrom(
        '1e400',
        '-1e400',
        '9007199254740993',
        '-0',
        '1E+2',
        '0.0000001e-400',
        '1' + '0'.repeat(400),
        '-0.0e-0',
      ),
      fc.constantFrom('seq', 'payload'),
    )
    .map(([n, where]) =>
      where === 'seq'
        ? `{"session_id":"f-num","events":[{"seq":${n},"type":"t","ts":"2026-01-30T12:00:00Z","payload":{},"prev_hash":"${GENESIS_HASH}","hash":"${'b'.repeat(64)}"}]}`
        : `{"session_id":"f-num","events":[{"seq":1,"type":"t","ts":"2026-01-30T12:00:00Z","payload":{"n":${n}},"prev_hash":"${GENESIS_HASH}","hash":"${'b'.repeat(64)}"}]}`,
    ),
  // Duplicate keys: JSON.parse keeps the last one; the last one here is always wrong.
  fc
    .tuple(anyJson, anyJson)
    .map(
      ([a, b]) =>
        `{"session_id":"f-dup","events":[],"session_id":${JSON.stringify(a)},"events":${JSON.stringify(b)}}`,
    ),
  fc.constantFrom(
    '',
    ' ',
    'null',
    '[]',
    '"{}"',
    '{}',
    '{"a":1}',
    'NaN',
    "{'session_id':'x'}",
    '{"session_id":"x",}',
    '{"events":[1,]}',
    '/*c*/{}',
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '\u0000',
    '{"a":"\\ud800"}',
    '{"a":"\\u00"}',
    '{"a":"\t"}',
  ),
);

/** A byte-level mutation of a JSON text: truncation, invalid UTF-8, stray bytes, duplicate keys. */
const badUtf8 = fc.constantFrom(
  [0xff],
  [0xfe],
  [0xc0, 0x80],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc3],
  [0x00],
  [0x0a],
  [0x22],
  [0x5c],
  [0x7b],
  [0x7d],
);
function mutateText(source: fc.Arbitrary<string>): fc.Arbitrary<string | Uint8Array> {
  return source.chain((t) => {
    const bytes = Buffer.from(t, 'utf8');
    const at = fc.integer({ min: 0, max: Math.max(0, bytes.length - 1) });
    return fc.oneof(
      at.map((i) => t.slice(0, Math.min(i, t.length - 1))), // a strict prefix is never a JSON object
      fc
        .tuple(at, badUtf8)
        .map(
          ([i, b]) =>
            new Uint8Array(Buffer.concat([bytes.subarray(0, i), Buffer.from(b), bytes.subarray(i)])),
        ),
      fc
        .tuple(at, badUtf8)
        .map(
          ([i, b]) =>
            new Uint8Array(Buffer.concat([bytes.subarray(0, i), Buffer.from(b), bytes.subarray(i + 1)])),
        ),
      fc.tuple(anyJson).map(([v]) => t.replace(/^\{/, `{"session_id":${JSON.stringify(v)},`)), // overridden by the later key
      fc.tuple(text).map(([k]) => t.replace(/\}$/, `,${JSON.stringify(k)}:1}`)),
    );
  });
}

// ---- requests -----------------------------------------------------------------------------------

const tenantHeader = sometimes(
  fc.oneof(
    fc.constantFrom('default', 'other', '', 'DEFAULT', '-x', 'a'.repeat(64), 'a b', '../x', 'x\u00ff'),
    fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
  ),
  6,
);
/** Creating tables: only the default tenant or a malformed one, never a tenant that lacks the table. */
const writerTenant = sometimes(fc.constantFrom('default', '', 'DEFAULT', '-x', 'a b', '../x', 'x\u00ff'), 4);
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/problem+json',
      'APPLICATION/JSON',
      'application/json;charset=utf-16',
      'application/vnd.x+json; q=1',
    ),
    weight: 3,
  },
  {
    arbitrary: fc.constantFrom(
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'json',
      'application/xml',
      '*/*',
      'application/json\u00e9',
    ),
    weight: 2,
  },
  { arbitrary: fc.constant(null), weight: 1 },
);
const waitQuery = sometimes(
  fc.constantFrom(
    '?wait_for_visibility=true&timeout_ms=0',
    '?wait_for_visibility=maybe',
    '?timeout_ms=-1&wait_for_visibility=true',
    '?wait_for_visibility=true&timeout_ms=1e3',
    '?x=%zz',
    '?wait_for_visibility=true&wait_for_visibility=false',
  ),
  6,
);

function withHeaders(type: string | null, tenant: string | null, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (type !== null) headers['content-type'] = type;
  if (tenant !== null) headers['x-tenant-id'] = tenant;
  return headers;
}

const ingestCase: fc.Arbitrary<Case> = fc
  .record({
    body: fc.oneof(
      { arbitrary: shapedBody, weight: 10 },
      { arbitrary: stateBody.map((s) => s.body), weight: 4 },
      { arbitrary: nearValidBody, weight: 6 },
      { arbitrary: nastyText, weight: 3 },
      {
        arbitrary: mutateText(
          fc.oneof(
            shapedBody,
            stateBody.map((s) => s.body),
          ),
        ),
        weight: 4,
      },
      { arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'undefined'), weight: 2 },
    ),
    table: fc.oneof(
      { arbitrary: fc.constantFrom(TABLE, TYPED), weight: 8 },
      { arbitrary: tableGarbage.map(enc), weight: 1 },
      { arbitrary: tableGarbage, weight: 1 },
    ),
    type: contentType,
    tenant: tenantHeader,
    query: waitQuery,
  })
  .map(({ body, table, type, tenant, query }) => ({
    kind: 'ingest',
    method: 'POST',
    path: `/v1/ingest/${table}${query ?? ''}`,
    headers: withHeaders(type, tenant),
    body,
  }));

/** Correctly hashed, state-refused batches sent as they are, to their own table and tenant. */
const stateCase: fc.Arbitrary<Case> = stateBody.map(({ table, tenant, body }) => ({
  kind: 'state',
  method: 'POST',
  path: `/v1/ingest/${table}`,
  headers: withHeaders('application/json', tenant ?? null),
  body,
}));

const badName = fc.oneof(text, fc.constantFrom('', '1abc', 'A', 'a-b', 'a'.repeat(64), 'session_id'));
const tableCase: fc.Arbitrary<Case> = fc
  .oneof(
    // Always wrong: a name off the pattern, an unknown member, a bad column, or not an object at all.
    fc
      .record({ name: badName.filter((n) => !/^[a-z][a-z0-9_]{0,62}$/.test(n)), columns: fc.option(anyJson) })
      .map((b) => JSON.stringify(b)),
    fc.record({ name: fc.constant('ok_name'), x: anyJson }).map((b) => JSON.stringify(b)),
    fc
      .record({
        name: fc.constant('ok_name'),
        columns: fc.array(
          fc.record({
            name: fc.oneof(badName, fc.constantFrom('seq', 'hash', 'kind')),
            type: fc.oneof(text, fc.constant('int64')),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      })
      .filter((b) =>
        b.columns.some(
          (c) =>
            !/^[a-z][a-z0-9_]{0,62}$/.test(c.name) ||
            ['seq', 'hash', 'kind', 'session_id'].includes(c.name) ||
            !['string', 'int64', 'double', 'boolean', 'timestamp', 'json'].includes(c.type),
        ),
      )
      .map((b) => JSON.stringify(b)),
    fc.constant(JSON.stringify({ name: TABLE })), // exists: 409
    fc.constant(
      JSON.stringify({
        name: 'ok_name',
        columns: [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'json' },
        ],
      }),
    ),
    fc.constant(JSON.stringify({ name: 'ok_name', description: 'd'.repeat(1001) })),
    anyJson
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
      .map((v) => JSON.stringify(v)),
    // Three edits away from a valid name, so no single-byte mutation can make it valid.
    mutateText(fc.constant(JSON.stringify({ name: 'Bad Name', columns: [{ name: 'a', type: 'string' }] }))),
  )
  .chain((body) =>
    fc.record({ type: contentType, tenant: writerTenant }).map(({ type, tenant }) => ({
      kind: 'tables',
      method: 'POST',
      path: '/v1/tables',
      headers: withHeaders(type, tenant),
      body,
    })),
  );

/** Never a whole number, however the query or path is decoded. */
const decoded = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};
const badInt = fc
  .oneof(
    fc.constantFrom(
      '',
      '-1',
      '1.5',
      'abc',
      '1e3',
      '0x10',
      '99999999999999999999',
      ' 1',
      '1 ',
      '%00',
      'NaN',
      '∞',
    ),
    text.map(enc),
  )
  .filter((s) => !/^\d{1,16}$/.test(decoded(s).trim()));
const unknownSession = fc.oneof(
  sessionName,
  text.map(enc),
  fc.constantFrom('..', '%2e%2e', 's-base%00', 'a'.repeat(200), '*', '>', 'a.b'),
);
const badToken = fc
  .oneof(
    text,
    fc.constantFrom('v1.0', 'v1.-1', 'v2.1', 'v1.01', 'v1.99999999999999999', 'v1.1e3', 'V1.1', 'v1.'),
  )
  .filter((t) => !/^v1\.[1-9]\d{0,15}$/.test(t))
  .map(enc);
const readCase: fc.Arbitrary<Case> = fc
  .oneof(
    tableGarbage.map((t) => `/v1/tables/${enc(t)}`),
    fc.tuple(fc.constantFrom(TABLE, 'nope'), unknownSession).map(([t, s]) => `/v1/tables/${t}/sessions/${s}`),
    fc
      .tuple(fc.constantFrom(TABLE, 'nope'), unknownSession, fc.constantFrom('events', 'verify'))
      .map(([t, s, what]) => `/v1/tables/${t}/sessions/${s}/${what}`),
    fc
      .tuple(badInt, fc.option(badInt))
      .map(
        ([a, l]) =>
          `/v1/tables/${TABLE}/sessions/${BASE}/events?after_seq=${a}${l === null ? '' : `&limit=${l}`}`,
      ),
    fc
      .tuple(fc.constantFrom('0', '-5', 'x', '1.0', ''), fc.constantFrom('0', '5'))
      .map(([l, a]) => `/v1/tables/${TABLE}/sessions/${BASE}/events?limit=${l}&after_seq=${a}`),
    tableGarbage.map((t) => `/v1/tables/${enc(t)}/watermark`),
    fc.tuple(fc.constantFrom(TABLE, 'nope'), badInt).map(([t, l]) => `/v1/tables/${t}/snapshots?limit=${l}`),
    fc
      .tuple(
        fc.constantFrom(TABLE, 'nope'),
        fc
          .oneof(badInt, fc.constantFrom('0', '-1', '1e300', '9007199254740993', '1000001'))
          .filter((id) => !(Number(decoded(id).trim()) >= 1 && Number(decoded(id).trim()) <= 1000)),
      )
      .map(([t, id]) => `/v1/tables/${t}/snapshots/${id}`),
    badToken.map((t) => `/v1/visibility/${t}`),
    fc
      .tuple(fc.option(badName.filter((n) => !/^[a-z][a-z0-9_]{0,62}$/.test(n)).map(enc)), fc.option(badInt))
      .filter(([t, l]) => t !== null || l !== null)
      .map(([t, l]) => `/v1/rejections?${t === null ? '' : `table=${t}&`}${l === null ? '' : `limit=${l}`}`),
    fc.constantFrom(
      '/v1',
      '/v1/',
      '/v1/ingest',
      '/v1/ingest/',
      '/v1/tables/fz/sessions',
      '/nope',
      '/v1/tables/fz/x/y/z',
      '//v1/tables',
      '/v1//tables',
      '/v1/tables/fz/sessions/s-base/events/1',
    ),
  )
  .chain((path) =>
    fc
      .record({
        method: fc.constantFrom('GET', 'GET', 'GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'),
        tenant: tenantHeader,
        accept: fc.constantFrom('application/json', 'application/x-ndjson', '*/*', 'text/html'),
      })
      .map(({ method, tenant, accept }) => ({
        kind: 'read',
        // Never DELETE a table: a garbage name is 404, but one that decodes to a real table is not fuzzing.
        method: method === 'DELETE' && path.startsWith('/v1/tables/') ? 'GET' : method,
        path,
        headers: withHeaders(null, tenant, { accept }),
      })),
  );

/** Any hostile request: ingest bodies, state-refused batches, table definitions, reads with odd parameters. */
export const anyCase: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: ingestCase, weight: 14 },
  { arbitrary: stateCase, weight: 3 },
  { arbitrary: tableCase, weight: 1 },
  { arbitrary: readCase, weight: 4 },
);
