/** @module openapi: the OpenAPI 3.1 document of the HTTP API, built from a route table and the valibot contracts. */
export { buildOpenApi, openApiText, CONTRACT_VERSION } from './build-openapi.js';
export { serveOpenApi } from './serve-openapi.js';
export { ROUTES, type RouteDoc, type ParamDoc, type SuccessDoc } from './route-table.js';
export { problemCodes } from './problem-responses.js';
