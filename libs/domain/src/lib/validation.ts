import type { ZodType, core } from 'zod';
import { AftaleError, type FieldProblem } from './errors';

/** Parses with zod and turns every issue into a field problem with a dotted path. */
export function parseInput<T>(schema: ZodType<T>, input: unknown, root = 'input'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw AftaleError.badInput(issuesToProblems(result.error.issues, root));
}

export function issuesToProblems(issues: core.$ZodIssue[], root: string): FieldProblem[] {
  return issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
    return { field: path, message: issue.message };
  });
}
