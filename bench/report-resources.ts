import type { BenchReport } from './report.js';
import { table, type Cell } from './table.js';
import type { ResourceUse } from './resources.js';
import type { TargetRow } from './targets.js';

const RESOURCE_HEAD = [
  'phase',
  'events',
  'wall s',
  'CPU s',
  'cores',
  'µs/ev',
  'main',
  'committer',
  'other',
  'JetStream B/ev',
  'Postgres B/ev',
  'lake B/ev',
];

const dash = (x: number | null | undefined): Cell => (x == null ? '-' : x);

function resourceRow(name: string, u: ResourceUse): Cell[] {
  const c = u.cpu;
  const b = u.bytes_per_event;
  return [
    name,
    u.events,
    u.wall_s,
    dash(c.total_s),
    dash(c.busy_cores),
    dash(c.total_us_per_event),
    dash(c.main_us_per_event),
    dash(c.committer_us_per_event),
    dash(c.other_us_per_event),
    dash(b.jetstream),
    dash(b.postgres),
    dash(b.lake),
  ];
}

/** CPU per event by thread and bytes per event in each store, per phase and for the whole run. */
export function resourceLines(r: BenchReport): string[] {
  const rows: Cell[][] = [];
  for (const [key, t] of Object.entries(r.throughput))
    if (t.resources) rows.push(resourceRow(key, t.resources));
  for (const [key, l] of Object.entries(r.latency))
    if (l.resources) rows.push(resourceRow(`latency_${key}`, l.resources));
  if (r.run_resources) rows.push(resourceRow('whole run', r.run_resources));
  if (rows.length === 0) return [];
  return [
    'chainlake CPU (µs per event accepted: process total, main thread, committer thread, other threads) and bytes per event stored; each phase from its start until all of it was committed',
    ...table(RESOURCE_HEAD, rows),
    '',
  ];
}

/** The issue 11 targets, met or missed, with the figure. */
export function targetLines(rows: TargetRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    'Targets (issue 11)',
    ...table(
      ['target', 'goal', 'result', 'measured'],
      rows.map((t) => [t.target, t.goal, t.status === 'missed' ? 'MISSED' : t.status, t.figure]),
    ),
    '',
  ];
}
