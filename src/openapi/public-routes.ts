import type { RouteDoc } from './route-doc.js';

/** Unauthenticated routes: health, metrics, keys and this document (docs/contract.md §4). */
export const PUBLIC_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    tag: 'health',
    summary: 'The process runs',
    role: null,
    success: [{ status: 200, description: 'Alive.', schema: 'Health' }],
    problems: [],
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    tag: 'health',
    summary: 'NATS, Postgres and the object store answer now',
    role: null,
    success: [
      { status: 200, description: 'Ready: every check is `ok`.', schema: 'Ready' },
      { status: 503, description: 'Not ready: a check names what fails.', schema: 'Ready' },
    ],
    problems: [],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'health',
    summary: 'Prometheus metrics',
    role: null,
    success: [
      {
        status: 200,
        description: 'Prometheus text exposition.',
        media: { 'text/plain': { type: 'string' } },
      },
    ],
    problems: ['not_found'],
  },
  {
    method: 'get',
    path: '/v1/keys',
    operationId: 'listKeys',
    tag: 'keys',
    summary: 'Seal public keys (JWKS), rotated-out keys included',
    role: null,
    success: [{ status: 200, description: 'The JWKS of contract §3.', schema: 'Jwks' }],
    problems: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'health',
    summary: 'This OpenAPI 3.1 document',
    role: null,
    success: [
      {
        status: 200,
        description: 'The OpenAPI document.',
        media: { 'application/json': { type: 'object' } },
      },
    ],
    problems: [],
  },
];
