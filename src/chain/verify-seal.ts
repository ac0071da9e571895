// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export { verifySeal } from '@chainlake/client/chain';
