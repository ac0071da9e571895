import type { Transport } from './options.js';
import type { Summary } from './stats.js';

/** Where the load process sends: the chainlake child's HTTP address and its NATS subjects. */
export interface Target {
  url: string;
  natsUrl: string;
  prefix: string;
  tenant: string;
  table: string;
}

/** One phase the load process runs: closed loop (sustained) or open loop at a fixed rate. */
export interface PhaseSpec {
  id: string;
  mode: 'closed' | 'open';
  transport: Transport;
  target: Target;
  batch: number;
  sessions: number;
  payloadBytes: number;
  /** Session ids are `{sessionTag}-s{i}`; every phase uses new sessions (new chains). */
  sessionTag: string;
  warmupS: number;
  durationS: number;
  /** Offered events/s (open loop only). */
  rate?: number;
  /** Events to generate before the phase starts; beyond them the load process generates as it goes. */
  pregenEvents: number;
  /** Poll the watermark and time each batch from send to visible (open loop). */
  trackVisibility: boolean;
}

export interface PhaseResult {
  id: string;
  /** Seconds between the window's start and end marks. */
  windowS: number;
  /** Answers received inside the window. */
  requests: number;
  acceptedEvents: number;
  /** Request-body bytes of the accepted batches. */
  acceptedBytes: number;
  duplicates: number;
  /** Non-success answers by code (HTTP status or problem code), inside the window. */
  errors: Record<string, number>;
  /** Ingest answer latency, ms. In open loop, from the scheduled send time. */
  latencyMs: Summary;
  visibleMs?: Summary;
  /** Batches of the window not yet visible when the load process gave up waiting. */
  notVisible?: number;
  /** Open loop: sends that went out more than 5 ms after their slot (no free session, or a busy client). */
  lateSends?: number;
  /** Highest token answered inside the window, and ms from the window's start until the watermark covered it. */
  maxSeq: number;
  committedMs: number | null;
  /** Events accepted over the whole phase (warmup, window, answers after it) and their highest token. */
  phaseEvents: number;
  phaseMaxSeq: number;
  pregen: { events: number; bytes: number; ms: number };
  /** Events generated while the phase ran because the pre-generated ones ran out. */
  generatedLive: number;
  /** Sessions that stopped after an answer they could not recover from. */
  failedSessions: number;
  /** The first few unexpected answers, for the report. */
  samples: string[];
}

export type ToLoad =
  | { type: 'phase'; spec: PhaseSpec }
  | { type: 'start'; id: string }
  | { type: 'probe'; transport: Transport; target: Target }
  | { type: 'exit' };

export type FromLoad =
  | { type: 'prepared'; id: string; events: number; bytes: number; ms: number }
  | { type: 'window'; id: string; edge: 'start' | 'end' }
  | { type: 'result'; result: PhaseResult }
  | { type: 'probe-result'; ok: boolean; detail: string }
  | { type: 'failed'; error: string };
