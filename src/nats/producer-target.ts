import { parseProducerSubject } from '../bus/index.js';
import { TABLE_PATTERN, TENANT_PATTERN } from '../contracts/index.js';
import { AppError } from '../errors.js';

/**
 * The tenant and table a producer subject names, checked against docs/contract.md §1: a bad tenant token is
 * 400 `invalid_request`, a bad table token 404 `table_not_found` (as over HTTP).
 */
export function producerTarget(
  prefix: string,
  kind: 'ingest' | 'raw',
  subject: string,
): { tenant: string; table: string } {
  const where = parseProducerSubject(prefix, kind, subject);
  if (!where) {
    throw new AppError('invalid_request', `Subject "${subject}" is not ${prefix}.${kind}.{tenant}.{table}.`, {
      errors: [{ path: 'subject', message: `must be ${prefix}.${kind}.{tenant}.{table}` }],
    });
  }
  if (!TENANT_PATTERN.test(where.tenant)) {
    throw new AppError('invalid_request', `Tenant "${where.tenant}" must match ${TENANT_PATTERN.source}.`, {
      errors: [{ path: 'subject', message: `tenant must match ${TENANT_PATTERN.source}` }],
    });
  }
  if (!TABLE_PATTERN.test(where.table)) {
    throw new AppError('table_not_found', `Table "${where.table}" does not exist.`);
  }
  return where;
}
