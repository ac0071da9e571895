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
