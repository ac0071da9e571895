/** @module store: objects are written whole or not at all; keys are relative to the store's prefix and never escape it. */
export type { ObjectStore } from './object-store.js';
export { createObjectStore } from './create-object-store.js';
export { createLocalStore } from './local-store.js';
export { createS3Store } from './s3-store.js';
export type { S3StoreOptions } from './s3-store.js';
