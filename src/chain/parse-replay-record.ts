// The pure chain core shared with the client package (clients/typescript/src/chain): one copy of it.
export {
  parseReplayRecord,
  type EventRecord,
  type ParsedRecord,
  type SealRecord,
} from '@chainlake/client/chain';
