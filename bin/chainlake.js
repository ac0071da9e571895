#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs through `prepare`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('chainlake: dist/ is missing; run `npm run build` (or `npm ci`) first\n');
  process.exit(2);
}
const { runCli } = await import(main.href);
await runCli(process.argv);
