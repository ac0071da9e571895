/** What a commit attempt reports, as far as health cares (src/commit's CommitObservation fits). */
export interface CommitOutcome {
  kind: string;
  /** The failure's text, on `failed`. */
  error?: string;
}

/** The committer as /readyz shows it. */
export interface CommitterHealthView {
  status: 'ok' | 'failing' | 'starting';
  /** Start of the current state: first failure of the streak, or first commit after it. */
  since: string | null;
  last_commit_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
}

/** The committer's last outcomes, fed by main.ts's observe callback (in-process or from its thread). */
export class CommitterHealth {
  private view: CommitterHealthView = {
    status: 'starting',
    since: null,
    last_commit_at: null,
    last_failure_at: null,
    last_error: null,
    consecutive_failures: 0,
  };

  constructor(private readonly now: () => Date = () => new Date()) {}

  observe(outcome: CommitOutcome): void {
    if (outcome.kind !== 'committed' && outcome.kind !== 'failed') return;
    const at = this.now().toISOString();
    if (outcome.kind === 'committed') {
      if (this.view.status !== 'ok') this.view.since = at;
      this.view = { ...this.view, status: 'ok', last_commit_at: at, consecutive_failures: 0 };
    } else {
      if (this.view.status !== 'failing') this.view.since = at;
      this.view = {
        ...this.view,
        status: 'failing',
        last_failure_at: at,
        last_error: outcome.error ?? 'commit failed (no detail reported)',
        consecutive_failures: this.view.consecutive_failures + 1,
      };
    }
  }

  snapshot(): CommitterHealthView {
    return { ...this.view };
  }
}
