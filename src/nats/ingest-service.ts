import { serveRequests, type Bus, type RequestService, type ServiceReply } from '../bus/index.js';
import { AppError, isAppError } from '../errors.js';
import { toProblem } from '../problem.js';
import { ingestBatch, type IngestDeps } from '../ingest/index.js';
import type { Log } from '../log.js';
import { errorText } from '../log.js';
import type { Metrics } from '../metrics/index.js';
import { parseJsonBody } from './parse-json-body.js';
import { producerTarget } from './producer-target.js';
import { parseWaitHeaders } from './wait-headers.js';

export interface IngestServiceDeps {
  bus: Bus;
  ingest: IngestDeps;
  maxBodyBytes: number;
  metrics?: Metrics;
  log?: Log;
  version?: string;
}

/** Service name in discovery, and the queue group that spreads requests over instances. */
export const INGEST_SERVICE = { name: 'chainlake', endpoint: 'ingest', queue: 'chainlake' } as const;
/** Reply header with the HTTP status the same answer would have had (200 or 202; errors use Nats-Service-Error-Code). */
export const STATUS_HEADER = 'Chainlake-Status';

const encoder = new TextEncoder();

/**
 * Request/reply ingest on `{prefix}.ingest.{tenant}.{table}` (docs/contract.md §5): the same request and answer
 * JSON as HTTP; an error answers the problem body with its status in `Nats-Service-Error-Code`.
 */
export async function startIngestService(deps: IngestServiceDeps): Promise<RequestService> {
  const { bus } = deps;
  const handle = async (
    subject: string,
    data: Uint8Array,
    header: (name: string) => string | undefined,
  ): Promise<ServiceReply> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const { tenant, table } = producerTarget(bus.names.prefix, 'ingest', subject);
      if (data.byteLength > deps.maxBodyBytes) {
        throw new AppError(
          'batch_too_large',
          `The request body exceeds ${deps.maxBodyBytes} bytes. Split the batch.`,
        );
      }
      const waitMs = parseWaitHeaders(header);
      const result = await ingestBatch(deps.ingest, { tenant, table, body: parseJsonBody(data), waitMs });
      deps.metrics?.observeIngest('nats', result.answer.status, seconds(), result.answer.accepted_count);
      return {
        data: encoder.encode(JSON.stringify(result.answer)),
        headers: { [STATUS_HEADER]: String(result.httpStatus), 'Content-Type': 'application/json' },
      };
    } catch (err) {
      deps.metrics?.observeIngest('nats', isAppError(err) ? err.code : 'internal', seconds());
      const problem = toProblem(err);
      if (problem.status >= 500 && problem.status !== 503)
        deps.log?.('error', 'nats ingest failed', { subject, err: errorText(err) });
      const headers: Record<string, string> = { 'Content-Type': 'application/problem+json' };
      if (problem.headers['retry-after']) headers['Retry-After'] = problem.headers['retry-after'];
      return {
        data: encoder.encode(JSON.stringify(problem.body)),
        headers,
        errorCode: problem.status,
        errorDescription: String(problem.body.detail),
      };
    }
  };
  return serveRequests(
    bus,
    {
      name: INGEST_SERVICE.name,
      version: deps.version ?? '1.0.0',
      description: 'chainlake ingest: verify, seal and append a batch of hash-chained events',
      endpoint: INGEST_SERVICE.endpoint,
      subject: `${bus.names.prefix}.ingest.*.*`,
      queue: INGEST_SERVICE.queue,
      metadata: { prefix: bus.names.prefix },
    },
    handle,
  );
}
