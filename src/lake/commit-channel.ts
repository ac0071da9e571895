/** The Postgres NOTIFY channel a commit announces `{stream}:{watermark}` on; visibility waiters LISTEN. */
export const COMMIT_CHANNEL = 'chainlake_committed';
