import { AppError } from '../errors.js';

/** The client went away before its body was complete: nobody reads the answer, and it is no server fault. */
export class ClientClosedError extends AppError {
  constructor() {
    super('invalid_request', 'The client closed the connection before the request body was complete.');
  }
}
