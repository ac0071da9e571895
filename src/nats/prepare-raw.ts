import type { LogMessage } from '../bus/index.js';
import { SESSION_ID_PATTERN } from '../contracts/index.js';
import type { AppError } from '../errors.js';
import { parseJsonBody } from './parse-json-body.js';
import { producerTarget } from './producer-target.js';

/** A raw message with what the gatekeeper needs before verifying it. */
export interface PreparedRaw {
  msg: LogMessage;
  /** Subject tokens as sent (checked unless `invalid` is set); they name the outcome subject. */
  tenant: string;
  table: string;
  outcomeSubject: string;
  /** The body's session_id when it is one: messages of one session are verified in order. */
  sessionId: string | null;
  body: unknown;
  /** Set when the subject or the JSON is unusable: the message is rejected without verifying. */
  invalid?: AppError;
}

/** Splits the subject and parses the body of a raw message; never throws. */
export function prepareRaw(prefix: string, msg: LogMessage): PreparedRaw {
  const rest = msg.subject.slice(`${prefix}.raw.`.length);
  const parts = rest.split('.');
  const base: PreparedRaw = {
    msg,
    tenant: parts[0] ?? '',
    table: parts[1] ?? '',
    outcomeSubject: `${prefix}.outcome.${rest}`,
    sessionId: null,
    body: undefined,
  };
  try {
    producerTarget(prefix, 'raw', msg.subject);
    const body = parseJsonBody(msg.data);
    const sid = (body as { session_id?: unknown } | null)?.session_id;
    return { ...base, body, sessionId: typeof sid === 'string' && SESSION_ID_PATTERN.test(sid) ? sid : null };
  } catch (err) {
    return { ...base, invalid: err as AppError };
  }
}
