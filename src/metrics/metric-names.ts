/** Every metric name in one place; all start `chainlake_` whatever the subject prefix (docs/contract.md §4). */
export const METRIC = {
  ingestRequests: 'chainlake_ingest_requests_total',
  ingestDuration: 'chainlake_ingest_duration_seconds',
  ingestEvents: 'chainlake_ingest_events_total',
  commitDuration: 'chainlake_commit_duration_seconds',
  commitBatchMessages: 'chainlake_commit_batch_messages',
  commitRows: 'chainlake_commit_rows_total',
  commitFileRows: 'chainlake_commit_file_rows',
  commitFailures: 'chainlake_commit_failures_total',
  redeliveries: 'chainlake_commit_redeliveries_total',
  naks: 'chainlake_commit_naks_total',
  terms: 'chainlake_commit_terms_total',
  fenced: 'chainlake_commit_fenced_total',
  watermark: 'chainlake_watermark_seq',
  lagMessages: 'chainlake_lag_messages',
  lagSeconds: 'chainlake_lag_seconds',
} as const;
