import fc from 'fast-check';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { hashEvent } from './hash-event.js';
import { sealKeyFromSeed } from './seal-key-from-seed.js';
import { signSeal } from './sign-seal.js';
import { GENESIS_HASH } from './types.js';
import type { ClientEvent, Head } from './types.js';
import { anchorSeqFor, verifyBatch } from './verify-batch.js';
import { verifyChain } from './verify-chain.js';

// Property-based: every single mutation of a valid batch (or of a replayed session) is caught, with
// the code docs/contract.md §4 names. fast-check prints the seed and the shrunk counterexample on failure.
const RUNS = 300;
const run = { numRuns: RUNS };

const key = sealKeyFromSeed('7'.repeat(64), 'fuzz-key');
const keys = new Map<string, KeyObject>([[key.kid, key.publicKey]]);

type Json = unknown;
type Rec = Record<string, unknown>;

// Names of docs/contract.md §1 (kept local: src/chain imports nothing from the rest of src).
const tableArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
const sessionArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const typeArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,30}$/);
const hexArb = fc.stringMatching(/^[0-9a-f]{64}$/);
const tsArb = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01Z'), max: new Date('2999-12-31Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-01-30T12:00:00Z',
    '2026-01-30T12:00:00.123456789+05:30',
    '1999-12-31t23:59:60z',
    '2026-01-30T00:00:00-00:00',
  ),
);

/** Numbers JCS must render exactly: -0, exponents, beyond 2^53, subnormals. */
const numberArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(
    -0,
    1e21,
    1e-7,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 63),
    5e-324,
    1.7976931348623157e308,
    0.1 + 0.2,
  ),
);
const textArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\u202eRTL\u202c',
    '👩‍👩‍👧‍👦',
    '\ud83d\ude00',
    'e\u0301',
    '\ufeff',
    '"\\/\b\f\n\r\t',
  ),
);
const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ node: Json }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    textArb,
    numberArb,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(textArb, tie('node'), { maxKeys: 4 }),
  ),
})).node;
const payloadArb = fc.dictionary(textArb, jsonArb, { maxKeys: 5 }) as fc.Arbitrary<Record<string, unknown>>;

interface Spec {
  type: string;
  ts: string;
  payload: Record<string, unknown>;
}
const specArb: fc.Arbitrary<Spec> = fc.record({ type: typeArb, ts: tsArb, payload: payloadArb });

interface Chain {
  table: string;
  session: string;
  events: ClientEvent[];
}

function buildChain(
  table: string,
  session: string,
  specs: Spec[],
  from: Head = { seq: 0, hash: GENESIS_HASH },
) {
  const events: ClientEvent[] = [];
  let prev = from;
  for (const [i, spec] of specs.entries()) {
    const ev = { seq: from.seq + i + 1, ...spec, prev_hash: prev.hash };
    const full = { ...ev, hash: hashEvent(table, session, ev) };
    events.push(full);
    prev = full;
  }
  return events;
}

const chainArb = (min = 1, max = 12): fc.Arbitrary<Chain> =>
  fc
    .record({
      table: tableArb,
      session: sessionArb,
      specs: fc.array(specArb, { minLength: min, maxLength: max }),
    })
    .map(({ table, session, specs }) => ({ table, session, events: buildChain(table, session, specs) }));

const headOf = (events: ClientEvent[], seq: number): Head | null =>
  seq === 0 ? null : { seq, hash: events[seq - 1]!.hash };
const rehash = (c: Chain, ev: Omit<ClientEvent, 'hash'>): ClientEvent => ({
  ...ev,
  hash: hashEvent(c.table, c.session, ev),
});
const sameJcs = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const batchOf = (c: Chain, events: ClientEvent[]) => ({ table: c.table, session_id: c.session, events });

/** A different value for one hashed field of an event (never the same canonical form). */
function mutatedField(ev: ClientEvent): fc.Arbitrary<Partial<ClientEvent>> {
  return fc.oneof(
    payloadArb.filter((p) => !sameJcs(p, ev.payload)).map((payload) => ({ payload })),
    typeArb.filter((t) => t !== ev.type).map((type) => ({ type })),
    tsArb.filter((ts) => ts !== ev.ts).map((ts) => ({ ts })),
    hexArb.filter((h) => h !== ev.prev_hash).map((prev_hash) => ({ prev_hash })),
    hexArb.filter((h) => h !== ev.hash).map((hash) => ({ hash })),
    // One more member deep inside the payload: the smallest content change there is.
    fc
      .tuple(textArb, jsonArb)
      .filter(([k]) => !(k in ev.payload))
      .map(([k, v]) => ({ payload: { ...ev.payload, [k]: v } })),
  );
}

/** A chain, a head inside it (0 = empty session) and a batch [from..to] that continues or overlaps it. */
const situationArb = chainArb(1, 12).chain((c) => {
  const n = c.events.length;
  return fc
    .integer({ min: 0, max: n - 1 })
    .chain((h) => fc.record({ h: fc.constant(h), from: fc.integer({ min: 1, max: h + 1 }) }))
    .chain(({ h, from }) =>
      fc.record({
        c: fc.constant(c),
        h: fc.constant(h),
        from: fc.constant(from),
        to: fc.integer({ min: Math.max(from, h + 1), max: n }),
      }),
    );
});

describe('verifyBatch on generated chains', () => {
  it('accepts every valid chain, split anywhere, as the continuation of its head', () => {
    fc.assert(
      fc.property(chainArb(), fc.nat(), (c, cut) => {
        const h = cut % c.events.length;
        expect(verifyBatch(batchOf(c, c.events), null)).toEqual({
          ok: true,
          duplicateCount: 0,
          newEvents: c.events,
        });
        expect(verifyBatch(batchOf(c, c.events.slice(h)), headOf(c.events, h))).toEqual({
          ok: true,
          duplicateCount: 0,
          newEvents: c.events.slice(h),
        });
      }),
      run,
    );
  });

  it('answers hash_mismatch at the seq of any event with one hashed field changed and not rehashed', () => {
    const arb = situationArb.chain((s) =>
      fc
        .integer({ min: s.from, max: s.to })
        .chain((seq) => mutatedField(s.c.events[seq - 1]!).map((change) => ({ ...s, seq, change }))),
    );
    fc.assert(
      fc.property(arb, ({ c, h, from, to, seq, change }) => {
        const events = c.events.slice(from - 1, to).map((e) => (e.seq === seq ? { ...e, ...change } : e));
        const result = verifyBatch(batchOf(c, events), headOf(c.events, h), anchorFor(c, events, h));
        expect(result).toMatchObject({ ok: false, code: 'hash_mismatch', seq });
      }),
      run,
    );
  });

  it('answers broken_link at the next event when one event is changed and rehashed', () => {
    const arb = chainArb(2).chain((c) =>
      fc.integer({ min: 1, max: c.events.length - 1 }).chain((seq) =>
        mutatedField(c.events[seq - 1]!)
          .filter((ch) => ch.hash === undefined && ch.prev_hash === undefined)
          .map((change) => ({ c, seq, change })),
      ),
    );
    fc.assert(
      fc.property(arb, ({ c, seq, change }) => {
        const events = c.events.map((e) => (e.seq === seq ? rehash(c, { ...e, ...change }) : e));
        expect(verifyBatch(batchOf(c, events), null)).toMatchObject({
          ok: false,
          code: 'broken_link',
          seq: seq + 1,
        });
      }),
      run,
    );
  });

  it('answers broken_link at any event rehashed over a prev_hash that does not link (sequence_conflict at event 1)', () => {
    const arb = chainArb().chain((c) =>
      fc
        .integer({ min: 1, max: c.events.length })
        .chain((seq) =>
          hexArb
            .filter((h) => h !== c.events[seq - 1]!.prev_hash)
            .map((prev_hash) => ({ c, seq, prev_hash })),
        ),
    );
    fc.assert(
      fc.property(arb, ({ c, seq, prev_hash }) => {
        const events = c.events.map((e) => (e.seq === seq ? rehash(c, { ...e, prev_hash }) : e));
        // Contract v1.1: event 1 of a new session not linking to 64 zeros conflicts with the (null) head;
        // with more events, event 2 no longer links to the rehashed event 1 first.
        const expected =
          seq > 1
            ? { code: 'broken_link', seq }
            : events.length > 1
              ? { code: 'broken_link', seq: 2 }
              : { code: 'sequence_conflict', seq: 1 };
        expect(verifyBatch(batchOf(c, events), null)).toMatchObject({ ok: false, ...expected });
      }),
      run,
    );
  });

  it('answers invalid_request for a dropped, duplicated or reordered event, even with every hash intact', () => {
    const arb = chainArb(2).chain((c) => {
      const n = c.events.length;
      const idx = fc.integer({ min: 0, max: n - 1 });
      return fc.oneof(
        // Dropping the first or the last event leaves a valid shorter batch: drop one inside.
        n >= 3
          ? fc
              .integer({ min: 1, max: n - 2 })
              .map((i) => ({ c, what: 'drop', events: c.events.filter((_, j) => j !== i) }))
          : fc.constant({ c, what: 'noop', events: c.events }),
        fc.tuple(idx, fc.integer({ min: 0, max: n })).map(([i, at]) => {
          const events = [...c.events];
          events.splice(at, 0, c.events[i]!);
          return { c, what: 'duplicate', events };
        }),
        fc
          .shuffledSubarray(c.events, { minLength: n, maxLength: n })
          .filter((p) => p.some((e, j) => e !== c.events[j]))
          .map((events) => ({ c, what: 'reorder', events })),
      );
    });
    fc.assert(
      fc.property(arb, ({ c, what, events }) => {
        if (what === 'noop') return;
        const result = verifyBatch(batchOf(c, events), null);
        expect(result, what).toMatchObject({ ok: false, code: 'invalid_request' });
        // The seq named is the first one out of place.
        const firstBad = events.find((e, i) => e.seq !== events[0]!.seq + i);
        expect(result.ok || result.seq).toBe(firstBad?.seq);
      }),
      run,
    );
  });

  it('answers sequence_gap at the first seq for a batch that starts above head + 1', () => {
    const arb = chainArb(2).chain((c) =>
      fc
        .integer({ min: 2, max: c.events.length })
        .chain((from) => fc.integer({ min: 0, max: from - 2 }).map((h) => ({ c, from, h }))),
    );
    fc.assert(
      fc.property(arb, ({ c, from, h }) => {
        const result = verifyBatch(batchOf(c, c.events.slice(from - 1)), headOf(c.events, h));
        expect(result).toMatchObject({ ok: false, code: 'sequence_gap', seq: from });
      }),
      run,
    );
  });

  it('answers sequence_conflict for a fork: at head + 1, at the head, or at the anchor below it', () => {
    // Two chains of one session that share a prefix of `shared` events and then differ.
    const arb = chainArb(1, 10).chain((c) =>
      fc
        .record({
          shared: fc.integer({ min: 0, max: c.events.length - 1 }),
          other: fc.array(specArb, { minLength: 1, maxLength: 6 }),
        })
        .filter(({ shared, other }) => !sameJcs(other[0], specOf(c.events[shared]!)))
        .chain(({ shared, other }) => {
          const fork = [
            ...c.events.slice(0, shared),
            ...buildChain(c.table, c.session, other, headOf(c.events, shared) ?? undefined),
          ];
          // The accepted head h is past the fork point; the batch starts at or below h + 1 and reaches past the fork.
          return fc
            .integer({ min: shared + 1, max: c.events.length })
            .chain((h) =>
              fc
                .integer({ min: 1, max: Math.min(h + 1, fork.length) })
                .chain((from) =>
                  fc
                    .integer({ min: Math.max(from, shared + 1), max: fork.length })
                    .map((to) => ({ c, fork, shared, h, from, to })),
                ),
            );
        }),
    );
    fc.assert(
      fc.property(arb, ({ c, fork, h, from, to }) => {
        const events = fork.slice(from - 1, to);
        const result = verifyBatch(batchOf(c, events), headOf(c.events, h), anchorFor(c, events, h));
        // The first seq judged against the accepted chain: h + 1 for a continuation, else min(to, h).
        const judged = from === h + 1 ? h + 1 : Math.min(to, h);
        expect(result).toMatchObject({ ok: false, code: 'sequence_conflict', seq: judged });
      }),
      run,
    );
  });

  it('accepts an identical overlap with the head, counting it in duplicateCount', () => {
    fc.assert(
      fc.property(situationArb, ({ c, h, from, to }) => {
        const events = c.events.slice(from - 1, to);
        const result = verifyBatch(batchOf(c, events), headOf(c.events, h), anchorFor(c, events, h));
        expect(result).toEqual({ ok: true, duplicateCount: h - from + 1, newEvents: c.events.slice(h, to) });
      }),
      run,
    );
  });

  it('accepts a fully duplicate batch anywhere below the head given its anchor', () => {
    const arb = chainArb(2).chain((c) =>
      fc
        .integer({ min: 1, max: c.events.length })
        .chain((h) =>
          fc
            .integer({ min: 1, max: h })
            .chain((to) => fc.integer({ min: 1, max: to }).map((from) => ({ c, h, from, to }))),
        ),
    );
    fc.assert(
      fc.property(arb, ({ c, h, from, to }) => {
        const events = c.events.slice(from - 1, to);
        const result = verifyBatch(batchOf(c, events), headOf(c.events, h), anchorFor(c, events, h));
        expect(result).toEqual({ ok: true, duplicateCount: to - from + 1, newEvents: [] });
      }),
      run,
    );
  });
});

function specOf(ev: ClientEvent): Spec {
  return { type: ev.type, ts: ev.ts, payload: ev.payload };
}

/** The accepted hash the ingest verb would look up for an overlap below the head. */
function anchorFor(c: Chain, events: ClientEvent[], h: number): Head | undefined {
  const seq = anchorSeqFor(events, headOf(c.events, h));
  return seq === null ? undefined : { seq, hash: c.events[seq - 1]!.hash };
}

/** Replay records (docs/contract.md §4) of a chain accepted in batches of the given sizes, each sealed. */
function replayOf(c: Chain, sizes: number[], tenant = 'acme'): Rec[] {
  const records: Rec[] = [];
  let prevSeal = GENESIS_HASH;
  let from = 1;
  for (const size of sizes) {
    const to = Math.min(from + size - 1, c.events.length);
    for (const ev of c.events.slice(from - 1, to)) {
      records.push({
        table: c.table,
        session_id: c.session,
        kind: 'event',
        ...ev,
        status: 'AUTHORITATIVE',
        visibility_token: `v1.${from}`,
      });
    }
    const seal = signSeal(
      {
        tenant,
        table: c.table,
        session_id: c.session,
        from_seq: from,
        seq: to,
        head_hash: c.events[to - 1]!.hash,
        prev_seal_hash: prevSeal,
        sealed_at: '2026-01-30T12:00:00.456Z',
      },
      key,
    );
    records.push({ kind: 'seal', ...seal });
    prevSeal = seal.hash;
    from = to + 1;
    if (from > c.events.length) break;
  }
  return records;
}

const replayArb = chainArb(1, 10).chain((c) =>
  fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: c.events.length, maxLength: c.events.length })
    .map((sizes) => ({ c, records: replayOf(c, sizes) })),
);

const EVENT_FIELDS = [
  'table',
  'session_id',
  'seq',
  'type',
  'ts',
  'payload',
  'prev_hash',
  'hash',
  'kind',
] as const;
const SEAL_FIELDS = [
  'type',
  'tenant',
  'table',
  'session_id',
  'from_seq',
  'seq',
  'head_hash',
  'prev_seal_hash',
  'sealed_at',
  'key_id',
  'signature',
  'hash',
  'kind',
] as const;

/** Any other JSON value, including ones of another type, for a field of a record. */
function otherValue(current: unknown): fc.Arbitrary<unknown> {
  const sameType =
    typeof current === 'number'
      ? fc.oneof(fc.integer({ min: 0, max: 20 }), numberArb)
      : typeof current === 'string'
        ? fc.oneof(
            hexArb,
            textArb,
            fc.constant((current as string).toUpperCase()),
            fc.constant(`${current as string}=`),
            fc.constant(` ${current as string}`),
          )
        : payloadArb;
  return fc.oneof(sameType, jsonArb).filter((v) => {
    try {
      return !sameJcs(v, current);
    } catch {
      return true;
    }
  });
}

/** A generated replay with one field of one record of `kind` set to another value. */
function oneFieldChanged(kind: 'event' | 'seal', fields: readonly string[]) {
  return replayArb.chain(({ c, records }) => {
    const candidates = records.map((r, i) => [r, i] as const).filter(([r]) => r.kind === kind);
    return fc
      .constantFrom(...candidates)
      .chain(([r, i]) =>
        fc
          .constantFrom(...fields)
          .chain((field) => otherValue(r[field]).map((value) => ({ c, records, i, field, value }))),
      );
  });
}

describe('verifyChain on generated replays', () => {
  it('finds a replay of a valid chain valid, whatever the batch sizes', () => {
    fc.assert(
      fc.property(replayArb, ({ c, records }) => {
        const report = verifyChain(records, keys, { table: c.table, session_id: c.session });
        expect(report.errors).toEqual([]);
        expect(report).toMatchObject({ valid: true, checked_events: c.events.length });
      }),
      run,
    );
  });

  it('catches any change to any field of an event record, with hash_mismatch for its content', () => {
    const arb = oneFieldChanged('event', EVENT_FIELDS);
    fc.assert(
      fc.property(arb, ({ c, records, i, field, value }) => {
        const changed = records.map((r, j) => (j === i ? { ...r, [field]: value } : r));
        const report = verifyChain(changed, keys, { table: c.table, session_id: c.session });
        expect(report.valid, `${field} → ${JSON.stringify(value)}`).toBe(false);
        const seq = records[i]!.seq as number;
        if (['type', 'ts', 'payload'].includes(field) && isWellTyped(field, value)) {
          expect(report.errors).toContainEqual(expect.objectContaining({ seq, code: 'hash_mismatch' }));
        }
      }),
      run,
    );
  });

  it('catches any change to any field of a seal record', () => {
    const arb = oneFieldChanged('seal', SEAL_FIELDS);
    fc.assert(
      fc.property(arb, ({ c, records, i, field, value }) => {
        const changed = records.map((r, j) => (j === i ? { ...r, [field]: value } : r));
        const report = verifyChain(changed, keys, { table: c.table, session_id: c.session });
        expect(report.valid, `${field} → ${JSON.stringify(value)}`).toBe(false);
      }),
      run,
    );
  });

  it('catches a removed record, a swapped pair and a record replaced by one of another position', () => {
    const arb = replayArb.chain(({ c, records }) => {
      const idx = fc.integer({ min: 0, max: records.length - 1 });
      return fc.oneof(
        idx.map((i) => ({ c, how: `remove ${i}`, changed: records.filter((_, j) => j !== i) })),
        fc
          .tuple(idx, idx)
          .filter(([a, b]) => !sameJcs(records[a], records[b]))
          .map(([a, b]) => {
            const changed = [...records];
            [changed[a], changed[b]] = [changed[b]!, changed[a]!];
            return { c, how: `swap ${a} ${b}`, changed };
          }),
        fc
          .tuple(idx, idx)
          .filter(([a, b]) => !sameJcs(records[a], records[b]))
          .map(([a, b]) => ({
            c,
            how: `copy ${b} over ${a}`,
            changed: records.map((r, j) => (j === a ? records[b]! : r)),
          })),
      );
    });
    fc.assert(
      fc.property(arb, ({ c, how, changed }) => {
        expect(verifyChain(changed, keys, { table: c.table, session_id: c.session }).valid, how).toBe(false);
      }),
      run,
    );
  });
});

/** True when the value still has the field's type, so the record parses and only its hash can tell. */
function isWellTyped(field: string, value: unknown): boolean {
  if (field === 'payload') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === 'string';
}
