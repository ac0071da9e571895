import { canonicalJson, GENESIS_HASH, hashEvent } from '../src/chain/index.js';

/** One request body: `{"session_id", "events": […]}` as sent over HTTP and NATS. */
export interface GeneratedBatch {
  body: Buffer;
  events: number;
}

const WORDS = (
  'the agent called a tool and the model answered with a plan; retry budget exhausted, falling back ' +
  'to cache. Zürich naïve café résumé 東京 データ значение σύνολο — tokens streamed, latency p99 ok, ' +
  'user asked for a summary of the quarterly report, grep found 3 matches in src/, deploy blocked'
).split(' ');
const MODELS = ['m-large-2', 'm-small-1', 'm-code-3', 'm-vision-1'];
const REGIONS = ['eu-west-1', 'us-east-2', 'ap-south-1'];
const TYPES = ['llm.call', 'tool.call', 'llm.result', 'agent.step'];
const MID = ',"role":"user"},{"content":';
const BASE_TS = Date.parse('2026-01-30T12:00:00.000Z');

/** A shared 64 KiB text to slice padding from: varied bytes without building strings per word. */
const CORPUS = (() => {
  const rand = mulberry32(42);
  let text = '';
  while (text.length < 65_536) text += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
  return text;
})();

/**
 * A deterministic, valid hash chain for one session: the same (table, session, payload size) always
 * gives the same bytes, so the load process and the ceiling measurements see identical events.
 * Payload JCS text is written by hand in JCS member order (checked against canonicalJson once).
 */
export class ChainGenerator {
  private seq = 0;
  private prevHash = GENESIS_HASH;
  private readonly rand: () => number;
  private checked = false;

  constructor(
    readonly table: string,
    readonly sessionId: string,
    readonly payloadBytes: number,
  ) {
    this.rand = mulberry32(fnv1a(sessionId));
  }

  /** The next `n` events of the chain as one request body. */
  nextBatch(n: number): GeneratedBatch {
    let events = '';
    for (let i = 0; i < n; i++) events += (i === 0 ? '' : ',') + this.nextEvent();
    return {
      body: Buffer.from(`{"session_id":${JSON.stringify(this.sessionId)},"events":[${events}]}`),
      events: n,
    };
  }

  private nextEvent(): string {
    const seq = ++this.seq;
    const r = this.rand;
    const type = TYPES[seq % TYPES.length]!;
    const ts = new Date(BASE_TS + seq * 37).toISOString();
    const head =
      `{"attrs":{"cached":${r() < 0.3},"region":"${REGIONS[Math.floor(r() * REGIONS.length)]}",` +
      `"retries":${Math.floor(r() * 4)}},"cost":${Math.round(r() * 1e6) / 1e7},` +
      `"latency_ms":${Math.floor(r() * 5000)},"messages":[{"content":`;
    const tail =
      `,"role":"assistant"}],"model":"${MODELS[seq % MODELS.length]}","n":${seq},` +
      `"tokens":${Math.floor(r() * 8000)},"user":"u-${Math.floor(r() * 10_000)}"}`;
    // Two quoted padding strings and MID between them make up the rest.
    const fixed = head.length + tail.length + MID.length + 4;
    const pad = Math.max(2, this.payloadBytes - fixed);
    const first = Math.floor(pad / 3);
    const payload = head + this.padding(first) + MID + this.padding(pad - first) + tail;
    if (!this.checked) {
      if (canonicalJson(JSON.parse(payload)) !== payload)
        throw new Error('bench/chain-gen: the hand-written payload is not in JCS form');
      this.checked = true;
    }
    const ev = { seq, type, ts, payload: {}, prev_hash: this.prevHash };
    const hash = hashEvent(this.table, this.sessionId, ev, payload);
    const text =
      `{"seq":${seq},"type":"${type}","ts":"${ts}","payload":${payload},` +
      `"prev_hash":"${this.prevHash}","hash":"${hash}"}`;
    this.prevHash = hash;
    return text;
  }

  /** A JSON string of about `chars` characters sliced from the corpus (no escapes needed). */
  private padding(chars: number): string {
    const len = Math.min(chars, CORPUS.length - 1);
    const start = Math.floor(this.rand() * (CORPUS.length - len));
    return JSON.stringify(CORPUS.slice(start, start + len));
  }
}

/** Session ids of one phase: `{tag}-s{i}`. */
export function sessionIds(tag: string, sessions: number): string[] {
  return Array.from({ length: sessions }, (_, i) => `${tag}-s${i}`);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
