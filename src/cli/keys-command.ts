import { Command } from 'commander';
import type { Config } from '../config/index.js';
import { TENANT_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';
import { createApiKey, listApiKeys, revokeApiKey, ROLES, type Role } from '../tenancy/index.js';
import { withDb } from './with-db.js';

/** `chainlake keys create|list|revoke`. */
export function keysCommand(config: () => Config) {
  const keys = new Command('keys').description('create, list and revoke API keys (in DATABASE_URL)');
  keys
    .command('create')
    .description('create an API key; prints the key alone on stdout (only its hash is stored)')
    .requiredOption('--tenant <tenant>', 'tenant the key acts for')
    .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(',')}`)
    .option('--label <label>', 'a note for humans')
    .action(async (opts: { tenant: string; roles: string; label?: string }) => {
      // AppErrors are printed as one line (cli/main.ts); a plain Error would print its stack.
      if (!TENANT_PATTERN.test(opts.tenant))
        throw new AppError('invalid_request', `--tenant must match ${TENANT_PATTERN.source}`);
      const roles = opts.roles.split(',').map((r) => r.trim());
      const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length > 0 || roles.length === 0)
        throw new AppError('invalid_request', `--roles takes ${ROLES.join(', ')}; got "${opts.roles}"`);
      const created = await withDb(config(), (db) =>
        createApiKey(db, { tenant: opts.tenant, roles: roles as Role[], label: opts.label }),
      );
      process.stdout.write(`${created.key}\n`);
      process.stderr.write(
        `created ${created.id} for tenant ${created.tenant} with roles ${created.roles.join(',')}\n`,
      );
    });
  keys
    .command('list')
    .description('one JSON line per API key (id, tenant, roles, label, dates; never the key or its hash)')
    .option('--tenant <tenant>', 'only this tenant')
    .action(async (opts: { tenant?: string }) => {
      const list = await withDb(config(), (db) => listApiKeys(db, opts.tenant));
      for (const k of list) process.stdout.write(JSON.stringify(k) + '\n');
    });
  keys
    .command('revoke <id>')
    .description('revoke an API key by its id; it stops working within seconds')
    .action(async (id: string) => {
      const done = await withDb(config(), (db) => revokeApiKey(db, id));
      if (!done) throw new AppError('not_found', `no active key ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    });
  return keys;
}
