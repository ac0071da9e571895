/** @module metrics: the Prometheus registry; names live in METRIC, every one starting `chainlake_`. */
export { createMetrics, type Metrics, type Lag, type LogSize } from './create-metrics.js';
export { METRIC } from './metric-names.js';
export { sampleWriteToVisible } from './sample-write-to-visible.js';
export type { CommitObservation } from './commit-observation.js';
export { currentThreadId, noteThread, THREAD_CPU_METRIC } from './thread-cpu.js';
