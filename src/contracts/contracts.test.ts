import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { AppError, type FieldError } from '../errors.js';
import { EventSchema } from './event.js';
import { IngestRequestSchema } from './ingest-request.js';
import { parseOrThrow, toFieldErrors } from './parse-or-throw.js';
import { CreateTableSchema } from './table.js';

const ZEROS = '0'.repeat(64);
const event = {
  seq: 1,
  type: 'llm.call',
  ts: '2026-01-30T12:00:00.123Z',
  payload: { model: 'm1', tokens: 42 },
  prev_hash: ZEROS,
  hash: '9f'.repeat(32),
};
const request = { session_id: 's1', idempotency_key: 'k-1', events: [event] };

/** The `errors` of the invalid_request that parseOrThrow throws for `input`. */
function fieldErrors(schema: v.GenericSchema, input: unknown): FieldError[] {
  let thrown: unknown;
  try {
    parseOrThrow(schema, input);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(AppError);
  const err = thrown as AppError;
  expect(err.code).toBe('invalid_request');
  expect(err.status).toBe(400);
  expect(err.extras.errors?.length).toBeGreaterThan(0);
  return err.extras.errors ?? [];
}

const paths = (errors: FieldError[]) => errors.map((e) => e.path);
const withEvent = (patch: Record<string, unknown>) => ({ ...request, events: [{ ...event, ...patch }] });

describe('EventSchema and IngestRequestSchema', () => {
  it('accept a valid event and request unchanged', () => {
    expect(parseOrThrow(EventSchema, event)).toEqual(event);
    expect(parseOrThrow(IngestRequestSchema, request)).toEqual(request);
  });

  it('accept a request without idempotency key and timestamps with an offset', () => {
    const ok = { session_id: 'A-z_9', events: [{ ...event, ts: '2026-01-30t12:00:00+05:30' }] };
    expect(parseOrThrow(IngestRequestSchema, ok)).toEqual(ok);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['seq 0', { seq: 0 }, '/events/0/seq'],
    ['a fractional seq', { seq: 1.5 }, '/events/0/seq'],
    ['seq 2^53', { seq: 2 ** 53 }, '/events/0/seq'],
    ['a string seq', { seq: '1' }, '/events/0/seq'],
    ['the reserved type CHAIN_SEAL', { type: 'CHAIN_SEAL' }, '/events/0/type'],
    ['a type starting with a digit', { type: '1call' }, '/events/0/type'],
    ['a type with a space', { type: 'llm call' }, '/events/0/type'],
    ['a type of 129 characters', { type: 'a'.repeat(129) }, '/events/0/type'],
    ['a ts without offset', { ts: '2026-01-30T12:00:00.123' }, '/events/0/ts'],
    ['a date-only ts', { ts: '2026-01-30' }, '/events/0/ts'],
    ['an array payload', { payload: [1, 2] }, '/events/0/payload'],
    ['a null payload', { payload: null }, '/events/0/payload'],
    ['an uppercase hash', { hash: '9F'.repeat(32) }, '/events/0/hash'],
    ['an uppercase prev_hash', { prev_hash: 'A'.repeat(64) }, '/events/0/prev_hash'],
    ['a short hash', { hash: 'ab' }, '/events/0/hash'],
    ['an extra member', { status: 'AUTHORITATIVE' }, '/events/0/status'],
  ])('rejects %s at its JSON pointer', (_, patch, path) => {
    expect(paths(fieldErrors(IngestRequestSchema, withEvent(patch)))).toEqual([path]);
  });

  it('rejects a missing member at its JSON pointer', () => {
    const { hash: _hash, ...noHash } = event;
    expect(paths(fieldErrors(IngestRequestSchema, { ...request, events: [event, noHash] }))).toEqual([
      '/events/1/hash',
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a session_id with a dot', { session_id: 'a.b' }, '/session_id'],
    ['a session_id with a wildcard', { session_id: 'a*' }, '/session_id'],
    ['an empty session_id', { session_id: '' }, '/session_id'],
    ['a session_id of 129 characters', { session_id: 's'.repeat(129) }, '/session_id'],
    ['an idempotency_key of 129 characters', { idempotency_key: 'k'.repeat(129) }, '/idempotency_key'],
    ['an empty idempotency_key', { idempotency_key: '' }, '/idempotency_key'],
    ['empty events', { events: [] }, '/events'],
    ['events that are not an array', { events: event }, '/events'],
    ['an extra member', { table: 'agent_events' }, '/table'],
  ])('rejects a request with %s', (_, patch, path) => {
    expect(paths(fieldErrors(IngestRequestSchema, { ...request, ...patch }))).toEqual([path]);
  });

  it('accepts an idempotency_key of exactly 128 characters', () => {
    const ok = { ...request, idempotency_key: 'k'.repeat(128) };
    expect(parseOrThrow(IngestRequestSchema, ok)).toEqual(ok);
  });

  it('points at the whole document with the empty JSON pointer', () => {
    expect(paths(fieldErrors(IngestRequestSchema, null))).toEqual(['']);
    expect(paths(fieldErrors(IngestRequestSchema, 'events'))).toEqual(['']);
  });

  it('lists every violation and names the first in the detail', () => {
    let thrown: unknown;
    try {
      parseOrThrow(IngestRequestSchema, withEvent({ seq: 0, hash: 'X' }));
    } catch (err) {
      thrown = err;
    }
    const err = thrown as AppError;
    expect(paths(err.extras.errors ?? [])).toEqual(['/events/0/seq', '/events/0/hash']);
    expect(err.detail).toBe('The request body is invalid: /events/0/seq must be at least 1');
  });
});

describe('toFieldErrors', () => {
  it('escapes ~ and / in keys as RFC 6901 requires', () => {
    const result = v.safeParse(EventSchema, { ...event, 'a/b~c': 1 });
    expect(result.success).toBe(false);
    expect(paths(toFieldErrors(result.issues ?? []))).toEqual(['/a~1b~0c']);
  });
});

describe('CreateTableSchema', () => {
  const table = { name: 'agent_events', columns: [{ name: 'model', type: 'string' }] };

  it('accepts a definition and fills the defaults', () => {
    expect(parseOrThrow(CreateTableSchema, table)).toEqual({
      name: 'agent_events',
      description: '',
      columns: [{ name: 'model', type: 'string', required: false }],
    });
    expect(parseOrThrow(CreateTableSchema, { name: 't' })).toEqual({
      name: 't',
      description: '',
      columns: [],
    });
  });

  it.each(['seq', 'payload', 'hash', 'visibility_token', 'ingested_at'])(
    'rejects the built-in column name %s',
    (name) => {
      const errors = fieldErrors(CreateTableSchema, { name: 't', columns: [{ name, type: 'string' }] });
      expect(errors).toEqual([{ path: '/columns/0/name', message: 'is a built-in column name' }]);
    },
  );

  it('rejects duplicate column names at /columns', () => {
    const columns = [
      { name: 'model', type: 'string' },
      { name: 'model', type: 'int64' },
    ];
    expect(fieldErrors(CreateTableSchema, { name: 't', columns })).toEqual([
      { path: '/columns', message: 'column names must be unique' },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown column type', { name: 't', columns: [{ name: 'x', type: 'int' }] }, '/columns/0/type'],
    [
      'a column name with uppercase',
      { name: 't', columns: [{ name: 'X', type: 'json' }] },
      '/columns/0/name',
    ],
    [
      'a non-boolean required',
      { name: 't', columns: [{ name: 'x', type: 'json', required: 1 }] },
      '/columns/0/required',
    ],
    ['a table name with a dash', { name: 'agent-events' }, '/name'],
    ['a table name starting with a digit', { name: '1t' }, '/name'],
    ['an extra member', { name: 't', owner: 'me' }, '/owner'],
  ])('rejects %s', (_, input, path) => {
    expect(paths(fieldErrors(CreateTableSchema, input))).toEqual([path]);
  });
});
