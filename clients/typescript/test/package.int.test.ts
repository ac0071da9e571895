import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../test/support/test-stack.js';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CONSUMER = fileURLToPath(new URL('./consumer/', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const REPO_MODULES = join(REPO, 'node_modules');
const TSC = join(REPO_MODULES, 'typescript/bin/tsc');
const NPM = { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 };

let stack: TestStack;
let project: string;
let packed: { files: { path: string }[]; filename: string };

/** Runs a consumer program with plain Node (no loader) against the test stack. */
async function runConsumer(file: string, sessionId: string) {
  const { stdout } = await run(process.execPath, [file], {
    cwd: project,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      CHAINLAKE_URL: stack.running.url!,
      SESSION_ID: sessionId,
    },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { visible: boolean; report: unknown };
}

/** Type-checks the strict consumer with the repo's TypeScript under the given module settings. */
async function typecheck(name: string, compilerOptions: Record<string, unknown>, files: string[]) {
  const config = {
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      target: 'ES2022',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [join(REPO_MODULES, '@types')],
      ...compilerOptions,
    },
    files,
  };
  await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  return run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd: project, timeout: 120_000 }).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? String(err),
  );
}

/** dist/ must be built from the current sources (`npm test` builds first: `pretest`). */
async function expectFreshBuild() {
  const sources = (await readdir(join(PACKAGE_DIR, 'src'), { recursive: true })).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  const newest = Math.max(
    ...(await Promise.all(sources.map(async (f) => (await stat(join(PACKAGE_DIR, 'src', f))).mtimeMs))),
  );
  for (const built of ['dist/esm/index.js', 'dist/cjs/index.js']) {
    const at = await stat(join(PACKAGE_DIR, built)).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    expect(at, `${built} is missing or older than src/: run \`npm run build\` first`).toBeGreaterThanOrEqual(
      newest,
    );
  }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'chainlake-consumer-'));
  await expectFreshBuild();
  // Without prepack's rebuild: other test files running meanwhile load this dist/.
  const pack = ['pack', '--json', '--ignore-scripts', '--pack-destination', project];
  const { stdout } = await run('npm', pack, { cwd: PACKAGE_DIR, ...NPM });
  packed = (JSON.parse(stdout) as (typeof packed)[])[0]!;
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(project, packed.filename)], {
    cwd: project,
    ...NPM,
  });
  for (const f of await readdir(CONSUMER)) await copyFile(join(CONSUMER, f), join(project, f));
  await copyFile(join(project, 'strict.ts'), join(project, 'strict.cts'));
  stack = await startTestStack('pkg', { roles: ['api', 'committer'] });
  expect((await stack.request('/v1/tables', { method: 'POST', json: { name: 'agent_events' } })).status).toBe(
    201,
  );
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed @chainlake/client in an empty project', () => {
  it('ships only the compiled code, its README and LICENSE, and installs no dependency', async () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => !p.startsWith('dist/')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
    ]);
    expect(paths.filter((p) => /\.test\.|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    for (const entry of [
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
    ])
      expect(paths).toContain(entry);
    expect(await readdir(join(project, 'node_modules'))).toEqual(['.package-lock.json', '@chainlake']);
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as {
      packages: object;
    };
    expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/@chainlake/client']);
  });

  it('writes, waits until visible, replays and verifies in plain Node, as ESM and as CommonJS', async () => {
    const expected = {
      visible: true,
      report: { valid: true, checked_events: 3, checked_seals: 2, errors: [] },
    };
    expect(await runConsumer('session.mjs', 'esm-session')).toEqual(expected);
    expect(await runConsumer('session.cjs', 'cjs-session')).toEqual(expected);
  });

  it("runs the README's example as written", async () => {
    const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
    await writeFile(join(project, 'example.mjs'), example);
    const { stdout } = await run(process.execPath, ['example.mjs'], {
      cwd: project,
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CHAINLAKE_URL: stack.running.url! },
    });
    expect(stdout).toMatch(/valid: true,\s+checked_events: 2,\s+checked_seals: 1,\s+errors: \[\]/);
  });

  it("is what the server package's chainlake/client re-exports, in plain Node", async () => {
    const names = async (specifier: string) => {
      const code = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
        cwd: REPO,
        timeout: 30_000,
      });
      return JSON.parse(stdout) as string[];
    };
    const server = await names('chainlake/client');
    expect(server).toContain('ChainWriter');
    expect(server).toEqual(await names('@chainlake/client'));
  });

  it('type-checks a strict consumer with moduleResolution nodenext (ESM and CJS) and bundler', async () => {
    expect(
      await typecheck('nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, [
        'strict.ts',
        'strict.cts',
      ]),
    ).toBe('');
    expect(await typecheck('bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['strict.ts'])).toBe(
      '',
    );
  });
});
