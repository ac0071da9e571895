/** @module metrics: the Prometheus registry; names live in METRIC, every one starting `chainlake_`. */
export { createMetrics, type Metrics, type Lag } from './create-metrics.js';
export { METRIC } from './metric-names.js';
export { currentThreadId, noteThread, THREAD_CPU_METRIC } from './thread-cpu.js';
