import type { CommitObservation } from '../metrics/commit-observation.js';
import type { CommitReport } from './commit-batch.js';

export type { CommitObservation };

/** A commit report as the plain observation the metrics take. */
export function summarize(report: CommitReport, seconds: number): CommitObservation {
  const all = [...report.committed, ...report.alreadyDone, ...report.fenced];
  return {
    kind: 'committed',
    seconds,
    committed: report.committed.length,
    alreadyDone: report.alreadyDone.length,
    fenced: report.fenced.length,
    rows: report.committed.reduce((n, m) => n + m.batch.events.length + 1, 0),
    fileRows: report.files.map((f) => f.rows),
    redelivered: all.filter((m) => m.msg.deliveryCount > 1).length,
  };
}
