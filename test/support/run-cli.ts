import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config/index.js';
import { runProgram, type ProgramRun } from './run-program.js';

const BIN = fileURLToPath(new URL('../../bin/chainlake.js', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
// A full build (tsconfig.build.json is not incremental) rewrites every file, this one included.
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
let built = false;

/** The bin runs dist/: fail clearly when it is older than src/ (`npm test` builds first). */
export function assertBuilt(): void {
  if (built) return;
  const newest = Math.max(
    ...readdirSync(SRC, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(SRC, f)).mtimeMs),
  );
  let at = 0;
  try {
    at = statSync(BUILT).mtimeMs;
  } catch {
    at = 0;
  }
  if (at < newest) throw new Error('dist/ is missing or older than src/: run `npm run build` first');
  built = true;
}

export type CliRun = ProgramRun;

/** The environment that points the CLI at a test stack's database, log and lake. */
export function cliEnv(config: Config): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl,
    CHAINLAKE_PREFIX: config.prefix,
    NATS_URL: config.natsUrl,
    OBJECT_STORE: config.objectStore,
    CHAINLAKE_KEYS_DIR: config.keysDir,
    LOG_LEVEL: 'error',
  };
}

/** Runs `node bin/chainlake.js …` as a child process; it is killed and the promise fails past the timeout. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  opts: { cwd?: string; timeoutMs?: number; inheritEnv?: boolean } = {},
): Promise<CliRun> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  assertBuilt();
  const base = opts.inheritEnv === false ? { PATH: process.env.PATH ?? '/usr/bin:/bin' } : process.env;
  return runProgram(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...base, ...env },
    timeoutMs,
    what: `chainlake ${args.join(' ')}`,
  });
}
