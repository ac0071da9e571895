/** @module replay: reads sessions back exactly as committed (or as logged), and verifies them; never writes. */
export { getSessionInfo, type SessionInfo } from './session-info.js';
export type { SessionKey } from './read-records.js';
export { replayDeps, type ReplayDeps } from './replay-deps.js';
export { replayPage, type PageQuery, type ReplayPage } from './replay-page.js';
export { replayStream, type ReplayStream, type StreamQuery } from './replay-stream.js';
export { verifySession, verifyLakeSession } from './verify-session.js';
export { readLakeRecords } from './lake-records.js';
export { replayFromLog } from './log-records.js';
