/** @module tenancy: principals, roles, API keys and the table catalog; every catalog query is scoped by tenant. */
export { ROLES, isRole, hasRole, devPrincipal } from './principal.js';
export type { Role, Principal } from './principal.js';
export {
  createApiKey,
  authenticateApiKey,
  listApiKeys,
  revokeApiKey,
  ensureBootstrapAdminKey,
} from './api-keys.js';
export type { NewApiKey, ApiKeyInfo, CreateApiKeyInput } from './api-keys.js';
export { createTable, listTables, getTable, findLiveTable, isKnownTable, deleteTable } from './tables.js';
export type { TableInfo, TableDef } from './tables.js';
export { ensureTenant, assertTenant } from './ensure-tenant.js';
