// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export { canonicalJson } from '@chainlake/client/chain';
