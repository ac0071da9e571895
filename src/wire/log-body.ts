import { canonicalJson, type ClientEvent, type Seal } from '../chain/index.js';

const q = (s: string) => JSON.stringify(s);

/** The part of an event's text in the log body that precedes its payload. */
function eventPrefix(ev: Pick<ClientEvent, 'seq' | 'type' | 'ts'>): string {
  return `{"seq":${ev.seq},"type":${q(ev.type)},"ts":${q(ev.ts)},"payload":`;
}

/** The part that follows it; hashes are 64 hex digits, so nothing in them needs escaping. */
function eventSuffix(ev: Pick<ClientEvent, 'prev_hash' | 'hash'>): string {
  return `,"prev_hash":"${ev.prev_hash}","hash":"${ev.hash}"}`;
}

/** Only the seal fields of docs/contract.md §3, so extra members of a parsed seal never reach storage. */
export function sealFields(s: Seal): Seal {
  return {
    type: s.type,
    tenant: s.tenant,
    table: s.table,
    session_id: s.session_id,
    from_seq: s.from_seq,
    seq: s.seq,
    head_hash: s.head_hash,
    prev_seal_hash: s.prev_seal_hash,
    sealed_at: s.sealed_at,
    key_id: s.key_id,
    signature: s.signature,
    hash: s.hash,
  };
}

/**
 * The body of one log message (docs/contract.md §5) `{"events":[…],"seal":…}`, assembled from the payloads'
 * JCS texts that ingest hashed: no second serialisation of the events' objects.
 */
export function encodeLogBody(
  events: readonly ClientEvent[],
  payloadJcs: readonly string[],
  seal: Seal,
): string {
  let text = '{"events":[';
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (i > 0) text += ',';
    text += eventPrefix(ev) + payloadJcs[i]! + eventSuffix(ev);
  }
  return `${text}],"seal":${canonicalJson(sealFields(seal))}}`;
}

/** A log message body decoded, with each event's payload as the exact text it was hashed with. */
export interface LogBody {
  events: ClientEvent[];
  seal: Seal;
  payloadJcs: string[];
}

/**
 * Decodes a log body. When `canonical` (the body is known to be encodeLogBody's: its gatekeeper tag is
 * there), each payload text is cut from the body, found by the event's own hash, which a payload cannot
 * contain; otherwise (an older version's message) payloads are canonicalized again. Throws on anything
 * that is not a batch body.
 */
export function decodeLogBody(text: string, canonical: boolean): LogBody {
  const parsed = JSON.parse(text) as { events?: unknown; seal?: unknown };
  const { events, seal } = parsed;
  if (!Array.isArray(events) || events.length === 0 || typeof seal !== 'object' || seal === null) {
    throw new TypeError('not a batch body: {events: [...], seal: {...}} expected');
  }
  const payloadJcs: string[] = new Array(events.length);
  let pos = '{"events":['.length;
  let inLayout = canonical && text.startsWith('{"events":[');
  for (let i = 0; i < events.length; i++) {
    const ev = events[i] as ClientEvent;
    if (typeof ev !== 'object' || ev === null || typeof ev.payload !== 'object' || ev.payload === null) {
      throw new TypeError(`not a batch body: event ${i} has no payload object`);
    }
    if (inLayout) {
      const prefix = (i > 0 ? ',' : '') + eventPrefix(ev);
      const suffix = eventSuffix(ev);
      const start = pos + prefix.length;
      const end = text.startsWith(prefix, pos) ? text.indexOf(suffix, start) : -1;
      if (end > start) {
        payloadJcs[i] = text.slice(start, end);
        pos = end + suffix.length;
        continue;
      }
      inLayout = false;
    }
    payloadJcs[i] = canonicalJson(ev.payload);
  }
  return { events: events as ClientEvent[], seal: seal as Seal, payloadJcs };
}
