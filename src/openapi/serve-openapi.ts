import type { Context } from 'hono';
import { buildOpenApi, openApiText } from './build-openapi.js';

/** `GET /openapi.json` (docs/contract.md §4, unauthenticated): the document is built on the first request. */
export function serveOpenApi() {
  let text: string | undefined;
  return (c: Context) => {
    text ??= openApiText(buildOpenApi());
    return c.body(text, 200, { 'content-type': 'application/json; charset=utf-8' });
  };
}
