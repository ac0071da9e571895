/** A structured logger: one JSON line per entry on stderr, filtered by level. Never given secrets or payloads. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type Log = (level: Exclude<LogLevel, 'silent'>, msg: string, extra?: Record<string, unknown>) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLog(
  level: LogLevel,
  out: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Log {
  return (at, msg, extra) => {
    if (RANK[at] < RANK[level]) return;
    out(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...extra }));
  };
}

/** Renders an error for a log line without dumping the objects it references. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
