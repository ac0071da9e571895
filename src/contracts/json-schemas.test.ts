import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractJsonSchemas, jsonSchemaText } from './to-json-schemas.js';

const dir = new URL('../../schemas/', import.meta.url);
const FIX = 'schemas/ is out of date with src/contracts: run `npm run schemas` and commit the result';

const generated = contractJsonSchemas();
const onDisk = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));

describe('schemas/', () => {
  it('holds exactly the exported contracts', () => {
    expect(onDisk.sort(), FIX).toEqual(Object.keys(generated).sort());
  });

  it.each(Object.keys(generated))('%s matches the valibot contract', (file) => {
    const text = onDisk.includes(file) ? readFileSync(new URL(file, dir), 'utf8') : '';
    expect(text, FIX).toBe(jsonSchemaText(generated[file]!));
  });

  it.each(onDisk)('%s is valid JSON with $schema, $id, title and type', (file) => {
    const schema = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://chainlake.dev/schemas/${file}`);
    expect(schema.title).toEqual(expect.any(String));
    expect(schema.description).toEqual(expect.any(String));
    expect(schema.type).toBe('object');
  });

  it('is generated deterministically', () => {
    expect(JSON.stringify(contractJsonSchemas())).toBe(JSON.stringify(generated));
  });

  it('keeps the checks the converter cannot express', () => {
    const event = generated['event.schema.json'] as { properties: Record<string, object> };
    expect(event.properties.type).toMatchObject({ not: { const: 'CHAIN_SEAL' } });
    expect(event.properties.payload).toEqual({ type: 'object' });
    expect(event.properties.ts).toHaveProperty('pattern');
    const column = generated['column.schema.json'] as { properties: { name: { not: { enum: string[] } } } };
    expect(column.properties.name.not.enum).toContain('visibility_token');
  });
});
