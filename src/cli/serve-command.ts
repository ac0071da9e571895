import { Command, Option } from 'commander';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import { ROLES, startServer, type ServeRole } from '../server/main.js';
import { describeStartFailure } from './describe-failure.js';

/** `chainlake serve [--roles api,nats,gatekeeper,committer]`: runs until SIGTERM/SIGINT, then drains. */
export function serveCommand(config: () => Config) {
  return new Command('serve')
    .description(
      'run the service: creates and migrates the database, creates the streams and the seal key if missing',
    )
    .addOption(
      new Option('--roles <roles>', `comma-separated roles: ${ROLES.join(',')}`).default(ROLES.join(',')),
    )
    .action(async (opts: { roles: string }) => {
      const roles = opts.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length > 0 || roles.length === 0) {
        throw new AppError('invalid_request', `--roles takes ${ROLES.join(', ')}; got "${opts.roles}"`);
      }
      const cfg = config();
      const running = await startServer(cfg, roles as ServeRole[]).catch((err: unknown) => {
        throw describeStartFailure(err, cfg) ?? err;
      });
      if (running.bootstrapKey) {
        process.stdout.write(
          `chainlake: created the first admin API key for tenant "default" (shown once):\n${running.bootstrapKey}\n`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          running.stop().then(resolve, resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
