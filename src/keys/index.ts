/** @module keys: the seal key ring on disk; private keys never leave their 0600 files except as KeyObjects, and are never logged. */
export type { KeyRing } from './types.js';
export { loadKeyRing, loadOrCreateKeyRing } from './load-or-create-key-ring.js';
export { rotateSealKey } from './rotate-seal-key.js';
