/** @module contracts: the wire shapes of docs/contract.md as valibot schemas; JSON Schemas in schemas/ are exported from these. */
export * from './names.js';
export * from './event.js';
export * from './ingest-request.js';
export * from './ingest-answer.js';
export * from './seal.js';
export * from './problem.js';
export * from './table.js';
export { parseOrThrow, toFieldErrors } from './parse-or-throw.js';
export { rfc3339ToMicros } from './timestamp.js';
