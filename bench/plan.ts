import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { ChainGenerator } from './chain-gen.js';
import type { BenchOptions } from './options.js';

/** Sustained rate assumed before anything was measured, to size the first pre-generation. */
const FIRST_GUESS_EVENTS_PER_S = 40_000;
/** Room the seal, the envelope and the protocol take in a log message besides the request body. */
const ENVELOPE_OVERHEAD = 2048;
/** Bytes written per event across JetStream, Postgres (row + index + WAL) and Parquet, roughly. */
const DISK_FACTOR = 3.5;

/** Request-body bytes of one event at `payloadBytes`, measured on a generated batch. */
export function eventBytes(table: string, payloadBytes: number): number {
  const b = new ChainGenerator(table, 'size-probe', payloadBytes).nextBatch(50);
  return b.body.length / 50;
}

/**
 * The batch size actually run: a sealed batch must fit one NATS message (max_payload), so a batch that
 * would not fit is cut to the largest multiple of 10 that does (and the report says so).
 */
export function fittingBatch(batch: number, perEvent: number, maxPayload: number): number {
  if (batch * perEvent + ENVELOPE_OVERHEAD <= maxPayload) return batch;
  return Math.max(1, Math.floor((maxPayload - ENVELOPE_OVERHEAD) / perEvent / 10) * 10);
}

/** Pre-generation sizing: as many events as the phase will need, within `--pregen-mb`. */
export class PregenBudget {
  private best = 0;
  constructor(
    private readonly opts: BenchOptions,
    private readonly perEvent: number,
  ) {}

  private get cap(): number {
    return Math.floor((this.opts.pregenMb * 2 ** 20) / this.perEvent);
  }

  sustained(seconds = this.opts.warmupS + this.opts.durationS): number {
    const rate = this.best > 0 ? this.best * 1.5 : FIRST_GUESS_EVENTS_PER_S;
    return Math.min(this.cap, Math.ceil(seconds * rate));
  }

  fixed(seconds: number): number {
    return Math.min(
      this.cap,
      Math.ceil(seconds * this.opts.rate * 1.02) + this.opts.sessions * this.opts.batch,
    );
  }

  measured(eventsPerS: number): void {
    this.best = Math.max(this.best, eventsPerS);
  }
}

/** Refuses a run whose data would not fit on the disk the services and the temp dir share. */
export async function checkDisk(
  opts: BenchOptions,
  perEvent: number,
  sustainedPhases: number,
): Promise<string> {
  const phaseS = opts.warmupS + opts.durationS;
  const events =
    opts.soakS > 0
      ? (opts.warmupS + opts.soakS) * opts.rate
      : sustainedPhases * phaseS * FIRST_GUESS_EVENTS_PER_S + opts.transports.length * phaseS * opts.rate;
  const need = events * perEvent * DISK_FACTOR;
  const st = await statfs(tmpdir());
  const free = st.bavail * st.bsize;
  const text = `this run may write up to ~${(need / 1e9).toFixed(1)} GB (free: ${(free / 1e9).toFixed(0)} GB); all of it is deleted at the end`;
  if (need > 0.8 * free) throw new Error(`${text}: not enough disk. Lower --duration, --soak or --rate.`);
  return text;
}
