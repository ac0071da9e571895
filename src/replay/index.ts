/** @module replay: reads sessions back exactly as committed, and verifies them. */
export { getSessionInfo, type SessionInfo } from './session-info.js';
