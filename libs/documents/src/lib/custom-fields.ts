import { z } from 'zod';
import { checkCvr, parseInput, type FieldProblem } from '@aftale/domain';
import { CUSTOM_PREFIX, IDENTIFIER, STANDARD_PLACEHOLDERS, isReservedName } from './placeholders';

/**
 * Vendor-declared fields beyond the standard set, e.g. `custom.subdomain` for the
 * intranet's address. Each has a label (shown in the widget) and a validation rule that the
 * customer's value must pass before it can appear in a signed DPA.
 */
export const CUSTOM_FIELD_KINDS = ['text', 'email', 'url', 'cvr', 'number'] as const;
export type CustomFieldKind = (typeof CUSTOM_FIELD_KINDS)[number];

export type CustomFieldRule =
  | { kind: CustomFieldKind; maxLength: number }
  | { kind: 'regex'; pattern: string; maxLength: number };

export interface CustomField {
  /** Full placeholder path, always `custom.<name>`. */
  path: string;
  label: string;
  rule: CustomFieldRule;
  required: boolean;
}

export const MAX_CUSTOM_FIELDS = 50;
/** A vendor regex runs on customer input, so the input it sees stays short (ReDoS bound). */
export const MAX_REGEX_INPUT = 500;

const DEFAULT_MAX: Record<CustomFieldKind, number> = {
  text: 500,
  email: 254,
  url: 2048,
  cvr: 20,
  number: 30,
};

// Quantified groups that contain a quantifier or an alternation, such as (a+)+ or
// (a|aa)*, backtrack exponentially on hostile input.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}|](?:[^()\\]|\\.)*\)\s*[+*{]/;

function compileVendorRegex(pattern: string): RegExp | string {
  if (NESTED_QUANTIFIER.test(pattern)) {
    return 'a repeated group containing + * {} or | (like (a+)+ or (a|b)*) can hang on long input; simplify the pattern';
  }
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
}

const keySchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const name = value.startsWith(CUSTOM_PREFIX) ? value.slice(CUSTOM_PREFIX.length) : value;
    if (!IDENTIFIER.test(name) || isReservedName(name)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a plain name of letters, digits and _ (starting with a letter, at most 40), e.g. "subdomain" or "custom.subdomain"',
      });
      return z.NEVER;
    }
    return `${CUSTOM_PREFIX}${name}`;
  });

const kindRule = z
  .object({
    kind: z.enum(CUSTOM_FIELD_KINDS),
    maxLength: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();

const regexRule = z
  .object({
    kind: z.literal('regex'),
    pattern: z.string().min(1).max(500),
    maxLength: z
      .number()
      .int()
      .min(1)
      .max(MAX_REGEX_INPUT, `a regex field accepts at most ${MAX_REGEX_INPUT} characters`),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const compiled = compileVendorRegex(rule.pattern);
    if (typeof compiled === 'string')
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: compiled });
  });

// A bare kind name ('email') is shorthand for { kind: 'email' }.
const ruleSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { kind: value } : value),
  z.discriminatedUnion('kind', [kindRule, regexRule]),
);

const fieldSchema = z
  .object({
    key: keySchema,
    label: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
    rule: ruleSchema,
    required: z.boolean().optional(),
  })
  .strict()
  .transform((field): CustomField => {
    const rule: CustomFieldRule =
      field.rule.kind === 'regex'
        ? { kind: 'regex', pattern: field.rule.pattern, maxLength: field.rule.maxLength }
        : {
            kind: field.rule.kind,
            maxLength:
              ('maxLength' in field.rule && field.rule.maxLength) || DEFAULT_MAX[field.rule.kind],
          };
    return { path: field.key, label: field.label, rule, required: field.required ?? true };
  });

export const customFieldsSchema = z
  .array(fieldSchema)
  .max(MAX_CUSTOM_FIELDS, `at most ${MAX_CUSTOM_FIELDS} custom fields`)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((field, i) => {
      if (seen.has(field.path)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'key'],
          message: `${field.path} is declared twice`,
        });
      }
      seen.add(field.path);
      if (STANDARD_PLACEHOLDERS.some((p) => p.path === field.path)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'key'],
          message: 'clashes with a standard placeholder',
        });
      }
    });
  });

export type CustomFieldInput = z.input<typeof fieldSchema>;

/**
 * Validates a vendor's custom field declarations. Accepts `key` as `subdomain` or
 * `custom.subdomain`, and `rule` as a kind name (`'email'`) or an object
 * (`{ kind: 'regex', pattern: '[a-z0-9-]{2,30}', maxLength: 30 }`; the pattern must match
 * the whole value). Throws BAD_USER_INPUT naming each bad field.
 */
export function declareCustomFields(input: unknown, root = 'customFields'): CustomField[] {
  return parseInput(customFieldsSchema, input, root) as CustomField[];
}

export function customPathSet(fields: readonly CustomField[] | undefined): Set<string> {
  return new Set((fields ?? []).map((f) => f.path));
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const NUMBER = /^-?\d{1,15}(?:[.,]\d{1,10})?$/;

/** Checks one customer value against its field's rule; returns why it fails, or null. */
export function checkCustomValue(field: CustomField, value: string): string | null {
  const { rule } = field;
  if (value.length > rule.maxLength) return `at most ${rule.maxLength} characters`;
  switch (rule.kind) {
    case 'text':
      return value.trim() ? null : 'must not be empty';
    case 'email':
      return EMAIL.test(value) ? null : 'is not an e-mail address, e.g. navn@firma.dk';
    case 'url': {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' || url.protocol === 'http:'
          ? null
          : 'must be an http(s) address, e.g. https://firma.dk';
      } catch {
        return 'is not a web address, e.g. https://firma.dk';
      }
    }
    case 'cvr': {
      const check = checkCvr(value);
      return check.valid ? null : `${check.reason} Example: 37308838`;
    }
    case 'number':
      return NUMBER.test(value.trim()) ? null : 'must be a number, e.g. 42 or 12,5';
    case 'regex': {
      const compiled = compileVendorRegex(rule.pattern);
      if (typeof compiled === 'string') return `the field's own rule is broken: ${compiled}`;
      return compiled.test(value) ? null : `does not have the required form for ${field.label}`;
    }
  }
}

/** Validates customer values for declared fields; `values` is keyed by path (`custom.x`). */
export function checkCustomValues(
  fields: readonly CustomField[],
  lookup: (path: string) => string | undefined,
  root = 'values',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const value = lookup(field.path);
    if (value === undefined) continue; // presence is checked against the document's needs
    const reason = checkCustomValue(field, value);
    if (reason)
      problems.push({ field: `${root}.${field.path}`, message: `${field.label}: ${reason}` });
  }
  return problems;
}
