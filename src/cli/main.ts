import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/index.js';
import { AppError } from '../errors.js';
import { CliError } from './cli-error.js';
import { envHelp, envHelpShort } from './env-help.js';
import { keysCommand } from './keys-command.js';
import { migrateCommand } from './migrate-command.js';
import { serveCommand } from './serve-command.js';
import { tablesCommand } from './tables-command.js';
import { replayCommand } from './replay-command.js';
import { verifyCommand } from './verify-command.js';
import { rejectionsCommand } from './rejections-command.js';

/** The package's version, from the package.json two levels up (of src/cli or dist/cli). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** `chainlake …`: parses argv, runs one command, and turns known failures into one clear line. */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command('chainlake')
    .description('Tamper-evident, exactly-once event ingest on NATS JetStream')
    .version(version(), '-V, --version', 'print the version')
    .addHelpText('after', envHelp())
    .showHelpAfterError()
    .exitOverride();
  const config = () => loadConfig();
  program.addCommand(serveCommand(config));
  program.addCommand(migrateCommand(config));
  program.addCommand(keysCommand(config));
  program.addCommand(tablesCommand(config));
  program.addCommand(replayCommand(config));
  program.addCommand(verifyCommand());
  program.addCommand(rejectionsCommand(config));
  program.addCommand((await import('./lake-command.js')).lakeCommand(config));
  const footer = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.addHelpText('after', envHelpShort());
      footer(sub);
    }
  };
  footer(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    if (err instanceof CliError) {
      process.stderr.write(`chainlake: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (err instanceof ConfigError || err instanceof AppError) {
      process.stderr.write(`chainlake: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`chainlake: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }
}
