/** @module health: the committer's recent outcomes for /readyz; plain state, fed by the composition root. */
export { CommitterHealth, type CommitOutcome, type CommitterHealthView } from './committer-health.js';
