import { PUBLIC_ROUTES } from './public-routes.js';
import { READ_ROUTES } from './read-routes.js';
import type { RouteDoc } from './route-doc.js';
import { WRITE_ROUTES } from './write-routes.js';

export type { ParamDoc, RouteDoc, SuccessDoc } from './route-doc.js';

/** Every route of createApp; the route-coverage test fails when the app serves one not listed here. */
export const ROUTES: readonly RouteDoc[] = [...PUBLIC_ROUTES, ...WRITE_ROUTES, ...READ_ROUTES];
