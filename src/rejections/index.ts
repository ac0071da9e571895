/**
 * @module rejections: messages that can never be accepted as they are, with why and their bodies;
 * every query is scoped by tenant, and only raw-stream messages can be re-driven.
 */
export { recordRejection, type NewRejection } from './record-rejection.js';
export { listRejections, MAX_REJECTIONS_LIMIT, type RejectionInfo } from './list-rejections.js';
export { redriveRejection, type Redriven } from './redrive-rejection.js';
