import { z } from 'zod';
import { checkCvr } from './cvr';
import { parseInput } from './validation';

export const LOCALES = ['da', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Normalises an allowed widget origin to `scheme://host[:port]`, refusing paths and wildcards. */
export function normaliseOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.hostname.includes('*') || value.includes('*')) return null; // one origin each, no wildcards
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    return null; // plain http only for local development
  }
  return url.origin;
}

const origin = z.string().transform((value, ctx) => {
  const normalised = normaliseOrigin(value);
  if (!normalised) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value.slice(0, 100)}" is not an origin: send scheme and host only, e.g. https://shop.example.dk (http only for localhost)`,
    });
    return z.NEVER;
  }
  return normalised;
});

const cvr = z.string().transform((value, ctx) => {
  const check = checkCvr(value);
  if (!check.valid) {
    ctx.addIssue({ code: 'custom', message: `${check.reason} Example: 37308838` });
    return z.NEVER;
  }
  return check.cvr;
});

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const tenantProfileShape = {
  name: text(200),
  legalName: text(200).optional(),
  cvr: cvr.optional(),
  addressLine: text(200).optional(),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'a Danish postal code has 4 digits, e.g. 2100')
    .optional(),
  city: text(100).optional(),
  country: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 country code, e.g. DK')
    .optional(),
  contactName: text(200).optional(),
  contactEmail: z.email('an e-mail address, e.g. dpo@vendor.dk').max(254).optional(),
  allowedOrigins: z.array(origin).max(50, 'at most 50 origins').optional(),
  defaultLocale: z.enum(LOCALES, 'da or en').optional(),
};

export const createTenantSchema = z.strictObject({
  ...tenantProfileShape,
  slug: z
    .string()
    .regex(
      SLUG_PATTERN,
      'lowercase letters, digits and dashes, 1-63 characters, e.g. min-intranet',
    ),
});
export type CreateTenantInput = z.output<typeof createTenantSchema>;

// Strict: a field that cannot be changed (slug) or does not exist is refused, not dropped.
export const updateTenantSchema = z.strictObject(tenantProfileShape).partial();
export type UpdateTenantInput = z.output<typeof updateTenantSchema>;

export function parseCreateTenant(input: unknown, root = 'input'): CreateTenantInput {
  return parseInput(createTenantSchema, input, root);
}
export function parseUpdateTenant(input: unknown, root = 'input'): UpdateTenantInput {
  return parseInput(updateTenantSchema, input, root);
}
