/**
 * @module wire: the one encoding of each thing chainlake writes (a log body, a batch's record lines,
 * an accepted answer); pure, so every writer and reader shares the same bytes.
 */
export { encodeLogBody, decodeLogBody, sealFields, type LogBody } from './log-body.js';
export { eventLine, sealLine, recordText, type StoredRecord } from './record-lines.js';
export { batchRecords, type BatchPlace, type BatchRecords } from './batch-records.js';
export { acceptedAnswer, type AnswerParts } from './accepted-answer.js';
