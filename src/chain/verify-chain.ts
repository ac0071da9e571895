// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export { verifyChain } from '@chainlake/client/chain';
