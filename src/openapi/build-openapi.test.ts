import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { PROBLEMS, type ProblemCode } from '../errors.js';
import { buildOpenApi, openApiText } from './build-openapi.js';
import { problemCodes } from './problem-responses.js';
import { ROUTES } from './route-table.js';

type Json = Record<string, any>;
const doc = buildOpenApi() as Json;
const FIX = 'schemas/openapi.json is out of date: run `npm run schemas` and commit the result';

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document whose $refs all resolve', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? [], JSON.stringify(res.errors, null, 2)).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(JSON.stringify(validator.resolveRefs())).not.toContain('"$ref"');
  });

  it('matches schemas/openapi.json', () => {
    const onDisk = readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8');
    expect(onDisk, FIX).toBe(openApiText(doc));
  });

  it('is generated deterministically', () => {
    expect(openApiText(buildOpenApi())).toBe(openApiText(doc));
  });

  it('declares every path parameter of every template, and unique operation ids', () => {
    for (const r of ROUTES) {
      const inPath = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (doc.paths[r.path][r.method].parameters as Json[]).filter((p) => p.in === 'path');
      expect(
        declared.map((p) => p.name),
        r.path,
      ).toEqual(inPath);
      expect(declared.every((p) => p.required === true)).toBe(true);
    }
    const ids = ROUTES.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents each problem code of a route under its status, with an example', () => {
    for (const r of ROUTES) {
      const responses = doc.paths[r.path][r.method].responses as Json;
      for (const code of problemCodes(r)) {
        const answer = responses[String(PROBLEMS[code].status)];
        expect(answer, `${r.method} ${r.path} ${code}`).toBeDefined();
        const media = answer.content['application/problem+json'];
        expect(media.schema.allOf[1].properties.code.enum).toContain(code);
        expect(media.examples[code].value).toMatchObject({ code, status: PROBLEMS[code].status });
      }
    }
  });

  it('documents every problem code of the ingest table of contract §4', () => {
    const ingest = ROUTES.find((r) => r.operationId === 'ingest')!;
    const contract: ProblemCode[] = [
      'invalid_request',
      'hash_mismatch',
      'broken_link',
      'sequence_gap',
      'sequence_conflict',
      'concurrent_append',
      'idempotency_key_reused',
      'unauthorized',
      'forbidden',
      'table_not_found',
      'batch_too_large',
      'unsupported_media_type',
      'unavailable',
    ];
    expect(problemCodes(ingest)).toEqual(expect.arrayContaining(contract));
    const responses = doc.paths['/v1/ingest/{table}'].post.responses as Json;
    expect(Object.keys(responses).sort()).toEqual([
      '200',
      '202',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '500',
      '503',
    ]);
    expect(responses['503'].headers).toHaveProperty('Retry-After');
  });

  it('leaves the unauthenticated routes without security and the others behind the API key', () => {
    const open = ['/healthz', '/readyz', '/metrics', '/v1/keys', '/openapi.json'];
    for (const r of ROUTES) {
      const op = doc.paths[r.path][r.method] as Json;
      expect(op.security, r.path).toEqual(open.includes(r.path) ? [] : [{ apiKey: [] }]);
    }
  });
});
