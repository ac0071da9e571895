import { Command, Option } from 'commander';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import { ROLES, startServer, type ServeRole } from '../main.js';

/** `chainlake serve [--roles api,nats,gatekeeper,committer]`: runs until SIGTERM/SIGINT, then drains. */
export function serveCommand(config: () => Config) {
  return new Command('serve')
    .description('run the service (migrates and creates streams on start)')
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
      const running = await startServer(config(), roles as ServeRole[]);
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
