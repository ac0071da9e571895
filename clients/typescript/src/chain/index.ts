/**
 * @module chain: the one copy of the pure chain code (contract §2–§3): canonical JSON, event hashes, seal
 * and chain verification. The server's src/chain re-exports it (`@chainlake/client/chain`); no signing here.
 */
export * from './types.js';
export { canonicalJson } from './canonical-json.js';
export { eventHashInput, hashEvent, sha256Hex } from './hash-event.js';
export { sealBody, type SealBody } from './seal-body.js';
export { verifySeal } from './verify-seal.js';
export { keysFromJwks, publicKeyFromJwk } from './jwk.js';
export { fromBase64Url, toBase64Url } from './base64url.js';
export { verifyChain } from './verify-chain.js';
export {
  parseReplayRecord,
  type EventRecord,
  type ParsedRecord,
  type SealRecord,
} from './parse-replay-record.js';
