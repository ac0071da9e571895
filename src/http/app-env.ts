import type { Principal } from '../tenancy/index.js';

/** Hono context variables set by chainlake's middleware. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
    /** Run once the answer is produced (e.g. giving back reserved body bytes). */
    afterAnswer: (() => void)[];
  };
}
