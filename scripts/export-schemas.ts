/** Writes the JSON Schemas of the wire contracts and the OpenAPI document into schemas/ (`npm run schemas`). */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractJsonSchemas, jsonSchemaText } from '../src/contracts/to-json-schemas.js';
import { openApiText } from '../src/openapi/index.js';

const dir = join(import.meta.dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });

const schemas = contractJsonSchemas();
// A contract that was removed or renamed must not leave its old file behind.
for (const file of readdirSync(dir)) {
  if (file.endsWith('.schema.json') && !(file in schemas)) rmSync(join(dir, file));
}
for (const [file, schema] of Object.entries(schemas)) {
  writeFileSync(join(dir, file), jsonSchemaText(schema));
}
writeFileSync(join(dir, 'openapi.json'), openApiText());
process.stdout.write(`wrote ${Object.keys(schemas).length} schemas and openapi.json to schemas/\n`);
