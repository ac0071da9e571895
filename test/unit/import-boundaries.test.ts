import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Enforces the module table of docs/architecture.md ("Modules and who may import whom"): every
 * relative import in src/ must go to the same module or to one the table allows, and only bus/ may
 * import @nats-io/*. The table is the source: change the drawing and the code together.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');
const DRIVERS = /^(@nats-io\/|postgres$|drizzle-orm|@aws-sdk\/)/;

/** `chain/` → `chain`; `errors.ts` → `errors`. */
const moduleName = (cell: string) => cell.replace(/\/$/, '').replace(/\.ts$/, '');

function readTable(): Map<string, { allowed: Set<string>; any: boolean }> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.split('## Modules and who may import whom')[1]!.split('\n## ')[0]!;
  const table = new Map<string, { allowed: Set<string>; any: boolean }>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !cells[1]!.startsWith('`')) continue;
    const modules = [...cells[1]!.matchAll(/`([^`]+)`/g)].map((m) => moduleName(m[1]!));
    const importsCell = cells[3]!;
    // "verbs only" (the edges) and "everything" (the composition root) allow any module, never a driver.
    const any = /everything|verbs only/.test(importsCell);
    const allowed = new Set(
      [...importsCell.matchAll(/`([^`]+)`/g)].map((m) => moduleName(m[1]!.split('/')[0]!)),
    );
    for (const m of modules) table.set(m, { allowed, any });
  }
  return table;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** The module a file of src/ belongs to: its top folder, or its own name at the top. */
const moduleOf = (file: string) => {
  const [first, ...rest] = relative(SRC, file).split('/');
  return rest.length > 0 ? first! : moduleName(first!.replace(/\.m?ts$/, '.ts'));
};

const importsOf = (text: string) =>
  [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);

describe('the module table of docs/architecture.md', () => {
  const table = readTable();
  const files = sourceFiles(SRC);

  it('names every module of src/', () => {
    const modules = new Set(files.map(moduleOf));
    expect([...modules].filter((m) => !table.has(m)).sort()).toEqual([]);
  });

  it('allows every import between modules', () => {
    // Leaves (imports "—") and contracts/ are the ground every module stands on.
    const ground = new Set([...table].filter(([, r]) => r.allowed.size === 0 && !r.any).map(([m]) => m));
    ground.add('contracts');
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      const rule = table.get(from);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = moduleOf(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
        if (to === from || ground.has(to) || rule?.any || rule?.allowed.has(to)) continue;
        violations.push(`${relative(ROOT, file)} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('lets only bus/ import NATS, and no edge (http/, nats/, cli/) import a driver', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('@nats-io/') && from !== 'bus')
          violations.push(`${relative(ROOT, file)} imports ${spec}`);
        if (DRIVERS.test(spec) && ['http', 'nats', 'cli'].includes(from))
          violations.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reaches NATS outside bus/ only through the Bus verbs, never its nc, js or jsm handles', () => {
    const leaks = files
      .filter((f) => moduleOf(f) !== 'bus')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .filter((line) => /\bbus\.(nc|js|jsm)(?=[\s.;,)\]?!])/.test(line))
          .map((line) => `${relative(ROOT, f)}: ${line.trim()}`),
      );
    expect(leaks).toEqual([]);
  });

  it('keeps chain/ pure: node built-ins and the shared chain core only', () => {
    const impure = files
      .filter((f) => moduleOf(f) === 'chain')
      .flatMap((f) =>
        importsOf(readFileSync(f, 'utf8'))
          .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && s !== '@chainlake/client/chain')
          .map((s) => `${relative(ROOT, f)} imports ${s}`),
      );
    expect(impure).toEqual([]);
  });
});
