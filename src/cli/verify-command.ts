import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseNdjson, verifyRecords, type Jwks } from '@chainlake/client';

/** Exit codes of `chainlake verify` (docs/contract.md §7: 0 only when valid). */
const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

/** `chainlake verify FILE.ndjson --keys JWKS.json`: offline check of a replayed chain and its seals. */
export function verifyCommand() {
  return new Command('verify')
    .description('verify a replayed session (NDJSON) offline against the seal keys (JWKS from GET /v1/keys)')
    .argument('[file]', 'NDJSON records, as printed by `chainlake replay` or the API')
    .option('--keys <file>', 'JWKS file with the seal public keys')
    .action(async (file: string | undefined, opts: { keys?: string }) => {
      const code = await verifyFile(file, opts.keys);
      process.exitCode = code;
    });
}

async function verifyFile(file: string | undefined, keysFile: string | undefined): Promise<number> {
  if (!file || !keysFile) return fail('usage: chainlake verify FILE.ndjson --keys JWKS.json');
  let records: unknown[];
  let jwks: Jwks;
  try {
    records = parseNdjson(await readFile(file, 'utf8'));
    jwks = JSON.parse(await readFile(keysFile, 'utf8')) as Jwks;
  } catch (err) {
    return fail(`cannot read input: ${(err as Error).message}`);
  }
  let report;
  try {
    report = verifyRecords(records, jwks);
  } catch (err) {
    // keysFromJwks throws a TypeError for a malformed JWKS.
    return fail(`invalid keys file ${keysFile}: ${(err as Error).message}`);
  }
  for (const e of report.errors) process.stdout.write(`seq ${e.seq}\t${e.code}\t${e.detail}\n`);
  const verdict = report.valid ? 'valid' : `INVALID (${report.errors.length} problems)`;
  process.stdout.write(`${verdict}: ${report.checked_events} events, ${report.checked_seals} seals\n`);
  return report.valid ? EXIT.valid : EXIT.invalid;
}

function fail(message: string): number {
  process.stderr.write(`chainlake verify: ${message}\n`);
  return EXIT.usage;
}
