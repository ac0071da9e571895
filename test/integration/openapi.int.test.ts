import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestChain } from '../../src/chain/make-test-chain.js';
import { IngestAnswerSchema, ProblemSchema } from '../../src/contracts/index.js';
import * as answers from '../../src/openapi/answer-schemas.js';
import { buildOpenApi, openApiText, ROUTES } from '../../src/openapi/index.js';
import { createApiKey } from '../../src/tenancy/index.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Routes of the document the app does not serve. Empty: the document lists only served routes.
 * A contract route implemented later is added to the route table together with its handler.
 */
const DOCUMENTED_NOT_SERVED: string[] = [];

const TABLE = 'oa_events';
let stack: TestStack;
let key: string;

const template = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/:[A-Za-z_]+|\{[A-Za-z_]+\}/g, '{}')}`;

const get = (path: string, headers: Record<string, string> = {}) =>
  stack.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });

async function json<T>(res: Response | Promise<Response>, schema: v.GenericSchema<unknown, T>, status = 200) {
  const r = await res;
  const body: unknown = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(status);
  const parsed = v.safeParse(schema, body);
  expect(parsed.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? []).toEqual([]);
  return body as T;
}

beforeAll(async () => {
  stack = await startTestStack('openapi', { auth: true });
  key = (await createApiKey(stack.running.services.db, { tenant: 'default', roles: ['admin'] })).key;
});
afterAll(() => stack?.stop());

describe('GET /openapi.json', () => {
  it('is served without an API key and equals the generated document', async () => {
    const res = await stack.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe(openApiText(buildOpenApi()));
  });

  it('lists every route the app serves, and serves every route it lists', () => {
    const served = new Set(
      stack.running.app!.routes.filter((r) => r.method !== 'ALL').map((r) => template(r.method, r.path)),
    );
    const documented = new Set(ROUTES.map((r) => template(r.method, r.path)));
    const undocumented = [...served].filter((r) => !documented.has(r));
    expect(undocumented, 'add these routes to src/openapi/route-table.ts').toEqual([]);
    const notServed = [...documented].filter((r) => !served.has(r));
    expect(notServed.sort()).toEqual(DOCUMENTED_NOT_SERVED);
  });
});

describe('the answers the document describes', () => {
  it('match their schemas on a real stack', async () => {
    await json(get('/healthz'), answers.HealthSchema);
    await json(get('/readyz'), answers.ReadySchema);
    await json(get('/v1/keys'), answers.JwksSchema);
    const created = stack.request('/v1/tables', {
      method: 'POST',
      key,
      json: { name: TABLE, columns: [{ name: 'n', type: 'int64' }] },
    });
    await json(created, answers.TableInfoSchema, 201);
    await json(get('/v1/tables'), answers.TableListSchema);
    await json(get(`/v1/tables/${TABLE}`), answers.TableInfoSchema);

    const ingest = stack.request(`/v1/ingest/${TABLE}?wait_for_visibility=true`, {
      method: 'POST',
      key,
      json: { session_id: 's1', events: makeTestChain(TABLE, 's1', 3) },
    });
    const answer = await json(ingest, IngestAnswerSchema);
    expect(answer.status).toBe('visible');

    await json(get(`/v1/tables/${TABLE}/sessions/s1`), answers.SessionInfoSchema);
    const page = await json(get(`/v1/tables/${TABLE}/sessions/s1/events`), answers.ReplayPageSchema);
    expect(page.events).toHaveLength(4);
    await json(get(`/v1/tables/${TABLE}/sessions/s1/verify`), answers.VerifyReportSchema);
    await json(get(`/v1/tables/${TABLE}/sessions/s1/verify?source=lake`), answers.VerifyReportSchema);
    await json(get(`/v1/tables/${TABLE}/watermark`), answers.WatermarkSchema);
    const list = await json(get(`/v1/tables/${TABLE}/snapshots`), answers.SnapshotListSchema);
    const id = list.snapshots[0]!.snapshot_id;
    await json(get(`/v1/tables/${TABLE}/snapshots/${id}`), answers.SnapshotDetailSchema);
    await json(get(`/v1/visibility/${answer.visibility_token}`), answers.VisibilitySchema);
    await json(get('/v1/rejections'), answers.RejectionListSchema);
  });

  it('answers problems of the documented shape', async () => {
    await json(stack.request('/v1/tables'), ProblemSchema, 401);
    await json(get('/v1/tables/nope'), ProblemSchema, 404);
    await json(get('/v1/rejections?limit=0'), ProblemSchema, 400);
  });
});
