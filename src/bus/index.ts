/** @module bus: the only importer of @nats-io/*. One accepted batch is one message on its session's subject. */
export { connectBus, type Bus, type BusOptions, type StreamState } from './connect-bus.js';
export { busNames, parseEventsSubject, type BusNames } from './subjects.js';
export { ensureStreams, type StreamSettings } from './ensure-streams.js';
export { publishBatch, type PublishOutcome, type PublishRequest } from './publish-batch.js';
export { readLastBatch, readBatchAt, readMessageTime, type LoggedBatch } from './read-last-batch.js';
export { HEADERS, type BatchEnvelope } from './batch-envelope.js';
export { toVisibilityToken, parseVisibilityToken } from './visibility-token.js';
export { isBusUnavailable } from './is-bus-unavailable.js';
export { ensureConsumer, type ConsumerLease } from './ensure-consumer.js';
export { consumeBatches, type BatchConsumer, type BatchingOptions } from './consume-batches.js';
export { openMessageSource, type MessageSource, type SourceOptions } from './message-source.js';
export { toAckDecision, type AckDecision } from './to-ack-decision.js';
export type { LogMessage } from './log-message.js';
export { findBatchInLog } from './find-batch-in-log.js';
export { readSessionLog, type ReadLogOptions } from './read-session-log.js';
export {
  serveRequests,
  type RequestHandler,
  type RequestService,
  type ServiceReply,
  type ServiceSpec,
} from './serve-requests.js';
export { parseProducerSubject } from './producer-subjects.js';
export { publishRaw, publishNotice } from './publish-raw.js';
export { logMsgId } from './log-msg-id.js';
