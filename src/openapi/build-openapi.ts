import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { contractJsonSchemas } from '../contracts/to-json-schemas.js';
import * as answers from './answer-schemas.js';
import { problemResponses } from './problem-responses.js';
import { ROUTES, type RouteDoc, type SuccessDoc } from './route-table.js';

type Json = Record<string, unknown>;

/** The wire contract version the document describes (docs/contract.md). */
export const CONTRACT_VERSION = '1.1';

const ANSWERS: Record<string, v.GenericSchema> = {
  ColumnInfo: answers.ColumnInfoSchema,
  TableInfo: answers.TableInfoSchema,
  TableList: answers.TableListSchema,
  SessionInfo: answers.SessionInfoSchema,
  ReplayPage: answers.ReplayPageSchema,
  VerifyReport: answers.VerifyReportSchema,
  Watermark: answers.WatermarkSchema,
  Visibility: answers.VisibilitySchema,
  Snapshot: answers.SnapshotSchema,
  SnapshotList: answers.SnapshotListSchema,
  SnapshotDetail: answers.SnapshotDetailSchema,
  RejectionList: answers.RejectionListSchema,
  Jwks: answers.JwksSchema,
  Health: answers.HealthSchema,
  Ready: answers.ReadySchema,
};

const pascal = (file: string) =>
  file.replace('.schema.json', '').replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/** components.schemas: the published contracts (schemas/*.schema.json) and the answer shapes. */
function componentSchemas(): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [file, schema] of Object.entries(contractJsonSchemas())) {
    // $id would re-base references inside the OpenAPI document; the file keeps it.
    const { $schema: _s, $id: _i, ...body } = schema as Json;
    out[pascal(file)] = body;
  }
  for (const [name, schema] of Object.entries(ANSWERS)) {
    const { $schema: _s, ...body } = toJsonSchema(schema, {
      target: 'draft-2020-12',
      errorMode: 'throw',
    }) as Json;
    out[name] = body;
  }
  return out;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function success(s: SuccessDoc): Json {
  const content: Json = {};
  if (s.schema) content['application/json'] = { schema: ref(s.schema) };
  for (const [type, schema] of Object.entries(s.media ?? {})) content[type] = { schema };
  const headers = Object.fromEntries(
    Object.entries(s.headers ?? {}).map(([h, description]) => [
      h,
      { description, schema: { type: 'string' } },
    ]),
  );
  return {
    description: s.description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

const TENANT_HEADER = {
  name: 'X-Tenant-ID',
  in: 'header',
  required: false,
  description:
    "With auth on: must equal the API key's tenant (else 403). With auth off: the tenant (default `default`).",
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' },
};

function operation(r: RouteDoc): Json {
  const responses: Json = {};
  for (const s of r.success) responses[String(s.status)] = success(s);
  Object.assign(responses, problemResponses(r));
  const params = (r.params ?? []).map((p) => ({ ...p, required: p.in === 'path' }));
  return {
    operationId: r.operationId,
    tags: [r.tag],
    summary: r.summary,
    description: r.role ? `Role \`${r.role}\` (\`admin\` includes every role).` : 'Unauthenticated.',
    security: r.role ? [{ apiKey: [] }] : [],
    parameters: r.role ? [...params, TENANT_HEADER] : params,
    ...(r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(r.body) } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the HTTP API (docs/contract.md §4), built from the route table and the contracts. */
export function buildOpenApi(): Json {
  const paths: Record<string, Json> = {};
  for (const r of ROUTES) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'chainlake',
      version: CONTRACT_VERSION,
      description:
        'Tamper-evident, exactly-once event ingest. The wire contract is docs/contract.md ' +
        `(v${CONTRACT_VERSION}); every error is an RFC 9457 application/problem+json body.`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [...new Set(ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`ck_…`): `Authorization: Bearer ck_…`.',
        },
      },
      schemas: componentSchemas(),
    },
  };
}

/** The exact text of schemas/openapi.json: 2-space JSON with a trailing newline. */
export function openApiText(doc: Json = buildOpenApi()): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
