/**
 * Writes test/fixtures/chain-vectors.json: a fixed chain of 6 events in 2 sealed batches, with every
 * canonical string, hash and signature, so independent implementations can check themselves. Deterministic.
 * Run: npx tsx scripts/make-chain-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import {
  canonicalJson,
  eventHashInput,
  GENESIS_HASH,
  hashEvent,
  sealBody,
  sealKeyFromSeed,
  signSeal,
  toJwk,
} from '../src/chain/index.js';
import type { ClientEvent, Seal } from '../src/chain/index.js';

// A published test key: anyone can sign with it, so it must never be trusted outside tests.
const SEED_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const tenant = 'acme';
const table = 'agent_events';
const session_id = 's-vectors';

// Payloads as raw, deliberately non-canonical JSON text, the way a client might send them.
const inputs: { type: string; ts: string; payload: string }[] = [
  {
    type: 'llm.call',
    ts: '2026-01-30T12:00:00.123Z',
    payload: String.raw`{ "model": "m1", "tokens": 42, "prompt": "Hello, world! 👋 \uD83D\uDE80", "temperature": 0.1 }`,
  },
  {
    type: 'metrics.sample',
    ts: '2026-01-30T13:00:01.5+01:00',
    payload: String.raw`{ "numbers": [1E21, 1e+21, 0.1, -0, -0.0, 1e-7, 1E-6, 9007199254740991, -9007199254740991,
      12345678901234567890, 333333333.33333329, 4.50, 2e-3, 1e-27, 5e-324, 1.7976931348623157e308, 100, 1.0,
      0.30000000000000004] }`,
  },
  {
    type: 'text.unicode',
    ts: '2026-01-30T12:00:02Z',
    payload: String.raw`{ "composed": "\u00e9", "decomposed": "e\u0301", "cjk": "漢字テスト 中文", "zwj": "👩‍💻",
      "controls": "\u0000\u0001\u001f\b\t\n\f\r\u007f", "quotes": "\"\\\/", "separators": "\u2028\u2029",
      "nul": "a\u0000b", "\u00e9cole": "a key written with an escape" }`,
  },
  {
    type: 'keys.sort',
    ts: '2026-01-30T12:00:03.000001Z',
    payload: String.raw`{ "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis", "a": 1, "B": 2, "aa": 3, "": "empty key" }`,
  },
  {
    type: 'tool:invoke',
    ts: '2026-01-30T07:00:04.250-05:00',
    payload: String.raw`{ "tool": { "name": "search", "args": { "q": "chainlake", "filters": [
      { "k": "lang", "v": ["en", "ja"] }, { "k": "depth", "v": [[1, [2, [3, []]]], {}] } ] } },
      "result": null, "ok": true, "failed": false, "empty_obj": {}, "empty_arr": [] }`,
  },
  {
    type: 'agent_step-2.done',
    ts: '2026-01-30T12:00:05.999Z',
    payload: String.raw`{ "summary": "fin ✓", "tags": ["α", "β", "γ"],
      "nested": { "z": { "y": { "x": [true, false, null, 0, -1.5e-10] } } }, "padded": "  both ends  " }`,
  },
];
const batches = [
  { from: 1, to: 3, sealed_at: '2026-01-30T12:00:03.456Z', visibility_token: 'vt-test-1' },
  { from: 4, to: 6, sealed_at: '2026-01-30T12:00:06.789Z', visibility_token: 'vt-test-2' },
];

const key = sealKeyFromSeed(SEED_HEX);
const jwk = toJwk(key.publicKey, key.kid);

const events: ClientEvent[] = [];
const eventVectors = inputs.map((input, i) => {
  const seq = i + 1;
  const prev_hash = events[i - 1]?.hash ?? GENESIS_HASH;
  const input_json = `{ "seq": ${seq}, "type": "${input.type}", "ts": "${input.ts}", "payload": ${input.payload}, "prev_hash": "${prev_hash}" }`;
  const ev = JSON.parse(input_json) as Omit<ClientEvent, 'hash'>;
  const hash = hashEvent(table, session_id, ev);
  events.push({ ...ev, hash });
  return { seq, input_json, hash_input_jcs: eventHashInput(table, session_id, ev), hash };
});

const seals: Seal[] = [];
const batchVectors = batches.map((b, i) => {
  const seal_input = {
    tenant,
    table,
    session_id,
    from_seq: b.from,
    seq: b.to,
    head_hash: events[b.to - 1]!.hash,
    prev_seal_hash: seals[i - 1]?.hash ?? GENESIS_HASH,
    sealed_at: b.sealed_at,
  };
  const seal = signSeal(seal_input, key);
  seals.push(seal);
  const body = sealBody(seal);
  return {
    from_seq: b.from,
    seq: b.to,
    seal_input,
    seal_body_jcs: canonicalJson(body),
    signature: seal.signature,
    seal_hash_input_jcs: canonicalJson({ ...body, signature: seal.signature }),
    seal,
  };
});

const replay = batches.flatMap((b, i) => [
  ...events.slice(b.from - 1, b.to).map((ev) => ({
    table,
    session_id,
    kind: 'event',
    ...ev,
    status: 'AUTHORITATIVE',
    visibility_token: b.visibility_token,
  })),
  { kind: 'seal', ...seals[i]! },
]);

const vectors = {
  description:
    'chainlake chain test vectors (contract v1 §2 event hash, §3 seals). events[].input_json is the raw event as sent; ' +
    'hash = sha256_hex(utf8(hash_input_jcs)); signature = base64url(Ed25519(utf8(seal_body_jcs))); ' +
    'seal.hash = sha256_hex(utf8(seal_hash_input_jcs)). replay is the session as GET …/events returns it.',
  test_only: true,
  warning: 'The signing key is derived from a published seed. Never trust it outside tests.',
  key: { seed_hex: SEED_HEX, kid: key.kid, jwk },
  jwks: { keys: [jwk] },
  tenant,
  table,
  session_id,
  events: eventVectors,
  batches: batchVectors,
  replay,
};

const out = new URL('../test/fixtures/chain-vectors.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
