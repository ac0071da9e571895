import { int, table, type RouteDoc } from './route-doc.js';

/** Ingest and the table catalog (docs/contract.md §4). */
export const WRITE_ROUTES: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/ingest/{table}',
    operationId: 'ingest',
    tag: 'ingest',
    summary: 'Append a batch to a session chain',
    role: 'ingest_writer',
    params: [
      table,
      {
        name: 'wait_for_visibility',
        in: 'query',
        description: 'Hold the answer until the batch is committed.',
        schema: { type: 'boolean', default: false },
      },
      {
        name: 'timeout_ms',
        in: 'query',
        description: 'How long to wait for visibility.',
        schema: int(0, 60000, 10000),
      },
    ],
    body: 'IngestRequest',
    success: [
      {
        status: 202,
        description:
          '`accepted`: verified, sealed and durably in the log (also on a visibility timeout, `visible: false`).',
        schema: 'IngestAnswer',
      },
      {
        status: 200,
        description:
          '`visible` (committed in time) or `duplicate` (already accepted; the original seal and token).',
        schema: 'IngestAnswer',
      },
    ],
    problems: [
      'invalid_request',
      'hash_mismatch',
      'broken_link',
      'table_not_found',
      'sequence_gap',
      'sequence_conflict',
      'concurrent_append',
      'idempotency_key_reused',
      'batch_too_large',
      'unsupported_media_type',
    ],
  },
  {
    method: 'post',
    path: '/v1/tables',
    operationId: 'createTable',
    tag: 'tables',
    summary: 'Create a table',
    role: 'admin',
    body: 'CreateTable',
    success: [{ status: 201, description: 'Created.', schema: 'TableInfo' }],
    problems: ['invalid_request', 'table_exists', 'batch_too_large', 'unsupported_media_type'],
  },
  {
    method: 'get',
    path: '/v1/tables',
    operationId: 'listTables',
    tag: 'tables',
    summary: "The tenant's tables",
    role: 'reader',
    success: [{ status: 200, description: 'Live tables.', schema: 'TableList' }],
    problems: [],
  },
  {
    method: 'get',
    path: '/v1/tables/{table}',
    operationId: 'getTable',
    tag: 'tables',
    summary: 'One table',
    role: 'reader',
    params: [table],
    success: [{ status: 200, description: 'The table.', schema: 'TableInfo' }],
    problems: ['table_not_found'],
  },
  {
    method: 'delete',
    path: '/v1/tables/{table}',
    operationId: 'deleteTable',
    tag: 'tables',
    summary: 'Delete a table (stored data, replay and files stay)',
    role: 'admin',
    params: [table],
    success: [{ status: 204, description: 'Deleted; ingest now answers 404.' }],
    problems: ['table_not_found'],
  },
];
