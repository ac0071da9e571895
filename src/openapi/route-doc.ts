import type { ProblemCode } from '../errors.js';
import type { Role } from '../tenancy/index.js';

/** A path or query parameter of a route. */
export interface ParamDoc {
  name: string;
  in: 'path' | 'query';
  description: string;
  schema: Record<string, unknown>;
}

/** One success answer: a component schema by name, or a media type with an inline schema. */
export interface SuccessDoc {
  status: number;
  description: string;
  /** Component name in `components.schemas`, answered as application/json. */
  schema?: string;
  /** Other media types (e.g. NDJSON, Prometheus text), each with an inline schema. */
  media?: Record<string, Record<string, unknown>>;
  headers?: Record<string, string>;
}

/** One route the app serves, as the OpenAPI document describes it (docs/contract.md §4). */
export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template, e.g. `/v1/tables/{table}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  /** null: unauthenticated. */
  role: Role | null;
  params?: ParamDoc[];
  /** Component name of the JSON request body. */
  body?: string;
  success: SuccessDoc[];
  /** Problem codes this route answers besides the ones every authenticated route has. */
  problems: ProblemCode[];
}

export const TABLE = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' };
export const SESSION = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' };
export const table: ParamDoc = {
  name: 'table',
  in: 'path',
  description: 'Table name (contract §1).',
  schema: TABLE,
};
export const session: ParamDoc = {
  name: 'session_id',
  in: 'path',
  description: 'Session id (contract §1).',
  schema: SESSION,
};
export const int = (min: number, max?: number, dflt?: number) => ({
  type: 'integer',
  minimum: min,
  ...(max === undefined ? {} : { maximum: max }),
  ...(dflt === undefined ? {} : { default: dflt }),
});
export const WATERMARK = { 'Chainlake-Watermark': 'The watermark the replay was read at (opaque).' };
