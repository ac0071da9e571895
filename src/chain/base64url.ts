// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export { fromBase64Url, toBase64Url } from '@chainlake/client/chain';
