#!/usr/bin/env node
// The package ships TypeScript; tsx compiles it on load so `npx chainlake` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
