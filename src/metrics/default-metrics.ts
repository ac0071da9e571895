import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's process and Node metrics, prefixed `chainlake_`, without its `nodejs_active_*_total`
 * gauges: `promtool check metrics` refuses `_total` on a gauge, and the per-type gauges hold the same counts.
 */
export function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: 'chainlake_' });
  for (const name of ['handles', 'requests', 'resources']) {
    registry.removeSingleMetric(`chainlake_nodejs_active_${name}_total`);
  }
}
