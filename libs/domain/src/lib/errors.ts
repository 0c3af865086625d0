/**
 * Typed errors shared by every surface (GraphQL, CLI, widget). The code is the
 * contract; the message is for humans and never carries secrets or stack traces.
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'BUSY',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  /** Dotted path of the offending input field, e.g. `input.allowedOrigins.1`. */
  field: string;
  /** Why it was refused. */
  message: string;
  /** What to send instead, when there is a useful example. */
  hint?: string;
}

export class AftaleError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AftaleError';
  }

  static badInput(problems: FieldProblem[]): AftaleError {
    const first = problems[0];
    const summary = first ? `${first.field}: ${first.message}` : 'Invalid input';
    return new AftaleError('BAD_USER_INPUT', summary, problems);
  }

  static field(field: string, message: string, hint?: string): AftaleError {
    return AftaleError.badInput([hint ? { field, message, hint } : { field, message }]);
  }
}

export function isAftaleError(value: unknown): value is AftaleError {
  return value instanceof AftaleError;
}
