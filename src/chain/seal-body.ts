// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export { sealBody, type SealBody } from '@chainlake/client/chain';
