import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const compose = readFileSync('compose.yaml', 'utf8');
const dockerfile = readFileSync('Dockerfile', 'utf8');
const dockerignore = readFileSync('.dockerignore', 'utf8').split('\n');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** The lines of one top-level service of compose.yaml (two-space indented block). */
function service(name: string): string {
  const lines = compose.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  expect(start, `service ${name}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && /^ {0,2}\S/.test(l));
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

/** Pinned: a digest, or a tag holding a version of at least two numbers (`15.10`, `2.9.10-alpine`) or a release date. */
const isPinned = (ref: string) =>
  /@sha256:[0-9a-f]{64}$/.test(ref) || /:[^:/]*(\d+\.\d+|RELEASE\.\d{4}-)[^:/]*$/.test(ref);

describe('the pin rule', () => {
  it.each(['node:20', 'postgres:15', 'minio/minio', 'minio/mc:latest', 'nats'])('refuses %s', (ref) => {
    expect(isPinned(ref)).toBe(false);
  });
  it.each(['nats:2.9.10-alpine', 'postgres:15.10-bookworm', 'minio/mc:RELEASE.2024-11-21T17-21-54Z'])(
    'accepts %s',
    (ref) => expect(isPinned(ref)).toBe(true),
  );
});

describe('compose.yaml', () => {
  it('builds chainlake from the Dockerfile instead of running npm ci on every start', () => {
    const chainlake = service('chainlake');
    expect(chainlake).toMatch(/^ {4}build:\n {6}context: \.\n {6}dockerfile: Dockerfile$/m);
    expect(chainlake).not.toMatch(/npm (ci|install)/);
    expect(chainlake).not.toMatch(/- \.:\/app/); // the repository is not mounted
    expect(chainlake).toContain(`image: chainlake:${pkg.version}`);
  });

  it('pins every image to a version', () => {
    const images = [...compose.matchAll(/^\s+image:\s*['"]?([^'"\s]+)/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const image of images) {
      expect(image, image).not.toMatch(/:latest$/);
      expect(isPinned(image), `${image} is pinned`).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({
    ref: m[1]!,
    stage: m[2],
  }));
  const args = Object.fromEntries(
    [...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const resolve = (ref: string) => ref.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? ref);

  it('is multi-stage on pinned base images', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const { ref } of froms) {
      const image = resolve(ref);
      expect(image, ref).not.toMatch(/:latest$|^\$/);
      expect(isPinned(image), `${image} is pinned`).toBe(true);
    }
  });

  it('builds dist/ in the first stage and runs it as a non-root user in the last', () => {
    const [build, runtime] = dockerfile.split(/^FROM .* AS runtime$/m);
    expect(build).toMatch(/npm ci\b/);
    expect(build).toMatch(/npm run build\b/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(build).toMatch(/cp -a package\.json package-lock\.json dist drizzle node_modules/);
    expect(runtime).toBeDefined();
    expect(runtime).not.toMatch(/npm (ci|install)|tsx/);
    expect(runtime).toMatch(/^COPY --from=build /m);
    const users = [...runtime!.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", /m);
  });

  it('keeps secrets and local state out of the build context', () => {
    for (const entry of ['.env', '**/node_modules', 'data', '.git']) expect(dockerignore).toContain(entry);
  });
});
