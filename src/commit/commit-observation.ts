import type { CommitReport } from './commit-batch.js';

/** What one commit attempt did, as plain data (it crosses from the committer's thread to the metrics). */
export type CommitObservation =
  | {
      kind: 'committed';
      seconds: number;
      /** Messages committed by this attempt, and found committed already (redeliveries). */
      committed: number;
      alreadyDone: number;
      /** Messages dropped because a newer delivery owns them. */
      fenced: number;
      rows: number;
      fileRows: number[];
      redelivered: number;
    }
  | { kind: 'failed'; messages: number; seconds: number; error: string }
  | { kind: 'poisoned'; messages: number };

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
