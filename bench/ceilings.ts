import type { Bus } from '../src/bus/index.js';
import { copyCeiling } from './ceiling-copy.js';
import { publishCeiling } from './ceiling-publish.js';
import type { CeilingSample } from './ceiling-sample.js';
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
