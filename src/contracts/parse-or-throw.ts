import * as v from 'valibot';
import { AppError, type FieldError } from '../errors.js';

/** Turns valibot issues into the contract's `errors: [{path, message}]` (JSON Pointer paths). */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  // RFC 6901: the whole document is '' ('/' would name a member whose key is the empty string).
  return issues.slice(0, 50).map((issue) => ({
    path: (issue.path ?? [])
      .map((p) => '/' + String(p.key).replace(/~/g, '~0').replace(/\//g, '~1'))
      .join(''),
    message: issue.message,
  }));
}

/** Parses input at an edge; a mismatch is a 400 `invalid_request` listing every issue. */
export function parseOrThrow<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what = 'request body',
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const errors = toFieldErrors(result.issues);
  const first = errors[0];
  const where = first?.path ? `${first.path} ` : '';
  throw new AppError('invalid_request', `The ${what} is invalid: ${where}${first?.message}`, {
    errors,
  });
}
