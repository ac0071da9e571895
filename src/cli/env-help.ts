import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { EnvSchema } from '../config/index.js';

/** Where settings come from, naming the .env file that is read (or that none is). */
function sources(): string {
  const file = resolve('.env');
  const found = existsSync(file) ? `reading ${file}` : `none in ${resolve('.')}`;
  return `Settings come from environment variables and a .env file in the current directory (${found}); a variable already set wins.`;
}

/** The line every subcommand's help ends with. */
export function envHelpShort(): string {
  return `\n${sources()}\nEvery variable and its default: chainlake --help`;
}

/** The top-level help's last section: where settings come from, and every variable with its default. */
export function envHelp(): string {
  const entries = Object.entries(EnvSchema.entries).map(([name, schema]) => {
    const fallback = v.getDefault(schema as v.OptionalSchema<v.GenericSchema, string | undefined>);
    return [name, fallback === undefined ? '(unset)' : String(fallback)] as const;
  });
  const width = Math.max(...entries.map(([name]) => name.length));
  return [
    '',
    'Environment:',
    `  ${sources()}`,
    '  Only `serve` and `migrate` create the database and streams; other commands need them to exist.',
    '',
    ...entries.map(([name, fallback]) => `  ${name.padEnd(width)}  ${fallback}`),
  ].join('\n');
}
