// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export { eventHashInput, hashEvent, sha256Hex } from '@chainlake/client/chain';
