/** @module chain: pure hash-chain and seal logic (docs/contract.md §2–§3); no I/O, and the same input always gives the same bytes. */
export * from './types.js';
export { canonicalJson } from './canonical-json.js';
export { eventHashInput, hashEvent, sha256Hex } from './hash-event.js';
export { anchorSeqFor, verifyBatch } from './verify-batch.js';
export { sealBody } from './seal-body.js';
export type { SealBody } from './seal-body.js';
export { signSeal } from './sign-seal.js';
export { verifySeal } from './verify-seal.js';
export { keyIdFor, keysFromJwks, publicKeyFromJwk, toJwk } from './jwk.js';
export { sealKeyFromSeed } from './seal-key-from-seed.js';
export { fromBase64Url, toBase64Url } from './base64url.js';
export { verifyChain } from './verify-chain.js';
export { parseReplayRecord } from './parse-replay-record.js';
export type { EventRecord, ParsedRecord, SealRecord } from './parse-replay-record.js';
export { signLogTag, verifyLogTag, type LogTagInput } from './log-tag.js';
