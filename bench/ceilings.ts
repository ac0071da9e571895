import type { Bus } from '../src/bus/index.js';
import { copyCeiling } from './ceiling-copy.js';
import { publishCeiling } from './ceiling-publish.js';
import { buildSample, type CeilingSample } from './ceiling-sample.js';
import type { BenchOptions } from './options.js';
import type { SustainedReport } from './phase-reports.js';
import { verifyCeiling } from './ceiling-verify.js';
import type { BenchReport } from './report.js';
import { round } from './stats.js';

/** The three bare ceilings, one after the other, on the same sample (chainlake idle meanwhile). */
export async function runCeilings(
  bus: Bus,
  databaseUrl: string,
  sample: CeilingSample,
  seconds: number,
  log: (l: string) => void,
): Promise<NonNullable<BenchReport['ceiling']>> {
  log(
    `ceiling: ${sample.events} events in ${sample.bodies.length} batches (${(sample.bytes / 1e6).toFixed(1)} MB)`,
  );
  const verify = await verifyCeiling(sample, seconds);
  log(`  verify: ${Math.round(verify)} events/s`);
  const publish = await publishCeiling(bus, sample, seconds);
  log(`  publish: ${Math.round(publish.eventsPerS)} events/s (${Math.round(publish.messagesPerS)} msg/s)`);
  const copy = await copyCeiling(databaseUrl, sample, seconds);
  log(`  copy: ${Math.round(copy)} rows/s`);
  return {
    sample_events: sample.events,
    sample_batch: sample.batch,
    verify_events_per_s: round(verify, 0),
    publish_events_per_s: round(publish.eventsPerS, 0),
    publish_messages_per_s: round(publish.messagesPerS, 0),
    publish_mb_per_s: round(publish.mbPerS, 1),
    copy_rows_per_s: round(copy, 0),
  };
}

export interface CeilingOutcome {
  ceiling: NonNullable<BenchReport['ceiling']>;
  ceilingMin: number;
  /** The main phase's accepted and committed events/s ÷ min(ceilings). */
  ratio: number;
  ratioCommitted: number | null;
  basis: string;
}

/** The ceilings on the first bytes of the main sustained phase (the generator is deterministic), and the ratios. */
export async function ceilingsFor(
  bus: Bus,
  databaseUrl: string,
  main: { tag: string; batch: number; key: string; report: SustainedReport },
  opts: BenchOptions,
  at: { table: string; tenant: string; events: number },
  log: (l: string) => void,
): Promise<CeilingOutcome> {
  const sample = buildSample(
    at.table,
    at.tenant,
    main.tag,
    opts.sessions,
    main.batch,
    opts.payloadBytes,
    at.events,
  );
  const ceiling = await runCeilings(bus, databaseUrl, sample, opts.ceilingS, log);
  const ceilingMin = Math.min(
    ceiling.verify_events_per_s,
    ceiling.publish_events_per_s,
    ceiling.copy_rows_per_s,
  );
  const committed = main.report.committed.events_per_s;
  return {
    ceiling,
    ceilingMin,
    ratio: round(main.report.events_per_s / ceilingMin, 3),
    ratioCommitted: committed === null ? null : round(committed / ceilingMin, 3),
    basis: `${main.key} ${main.report.events_per_s} events/s`,
  };
}
