import { z } from 'zod';
import { AftaleError, issuesToProblems, type FieldProblem } from '@aftale/domain';

/** Currencies a plan may be priced in; all have 2 minor digits (øre, cent, penny). */
export const CURRENCIES = ['DKK', 'EUR', 'SEK', 'NOK', 'USD', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const PERIODS = ['month', 'quarter', 'year'] as const;
export type PrepaidPeriod = (typeof PERIODS)[number];
export const PERIOD_MONTHS: Readonly<Record<PrepaidPeriod, number>> = {
  month: 1,
  quarter: 3,
  year: 12,
};

export const MAX_USERS = 100_000;
export const MAX_TRIAL_DAYS = 365;
/**
 * Largest unit price, 10 million kr. Bounds keep every period amount (base + users x unit,
 * x 12 months, plus up to 100% VAT) well inside Number.MAX_SAFE_INTEGER.
 */
export const MAX_UNIT_AMOUNT = 1_000_000_000;
export const MAX_TIERS = 20;
export const BASIS_POINTS = 10_000;

export interface PriceTier {
  /** Last user (inclusive) priced at this tier's unit amount; null = every user above. */
  upTo: number | null;
  /** Price per user per month, minor units. */
  unitAmount: number;
}

export interface PeriodOption {
  period: PrepaidPeriod;
  /** Discount on the whole period's amount, basis points (1000 = 10%). */
  discountBasisPoints: number;
}

export interface PlanDefinition {
  code: string;
  name: string;
  description: string;
  modules: string[];
  currency: Currency;
  /** True when the amounts below are gross (incl. VAT), as Danish B2C-style price lists are. */
  pricesIncludeVat: boolean;
  /** 2500 = 25 %. */
  vatRateBasisPoints: number;
  /** Base price per month, minor units. */
  baseAmount: number;
  /** Graduated per-user prices: each user is priced by the tier it falls in. */
  tiers: PriceTier[];
  minUsers: number;
  maxUsers: number;
  trialDays: number;
  periods: PeriodOption[];
  archived: boolean;
}

const hinted = (message: string, hint: string) => ({ message, params: { hint } });

const amount = z
  .int({ error: 'must be a whole number of minor units (øre), e.g. 3500 for 35 kr' })
  .min(0, 'a price cannot be negative')
  .max(MAX_UNIT_AMOUNT, `at most ${MAX_UNIT_AMOUNT} minor units`);

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const tierSchema = z.strictObject({
  upTo: z
    .int({ error: 'must be a whole number of users, or null for the last tier' })
    .min(1, 'must be at least 1')
    .max(MAX_USERS, `at most ${MAX_USERS}`)
    .nullable(),
  unitAmount: amount,
});

const tiersSchema = z
  .array(tierSchema)
  .min(1, 'at least one tier: [{ "upTo": null, "unitAmount": 3500 }] for one flat per-user price')
  .max(MAX_TIERS, `at most ${MAX_TIERS} tiers`)
  .superRefine((tiers, ctx) => {
    const last = tiers.length - 1;
    let previous = 0;
    tiers.forEach((tier, i) => {
      const path = [i, 'upTo'];
      if (tier.upTo === null) {
        if (i < last) {
          ctx.addIssue({
            code: 'custom',
            path,
            ...hinted('only the last tier may be open-ended', 'give this tier a number'),
          });
        }
        return;
      }
      if (i === last) {
        ctx.addIssue({
          code: 'custom',
          path,
          ...hinted(
            'the last tier must be open-ended so that every user count has a price',
            'send "upTo": null on the last tier',
          ),
        });
      }
      if (tier.upTo <= previous) {
        ctx.addIssue({
          code: 'custom',
          path,
          ...hinted(
            'tiers must be in ascending order without overlap',
            `send a number above ${previous}, the previous tier's upTo`,
          ),
        });
      }
      previous = Math.max(previous, tier.upTo);
    });
  });

const periodsSchema = z
  .array(
    z.strictObject({
      period: z.enum(PERIODS, { error: 'unknown period' }),
      discountBasisPoints: z
        .int({ error: 'must be a whole number of basis points, e.g. 1000 for 10%' })
        .min(0, 'a discount cannot be negative')
        .max(BASIS_POINTS, 'at most 10000 (100%)')
        .default(0),
    }),
  )
  .min(1, 'at least one prepaid period, e.g. [{ "period": "month" }]')
  .superRefine((periods, ctx) => {
    const seen = new Set<string>();
    periods.forEach((option, i) => {
      if (seen.has(option.period)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'period'],
          message: `"${option.period}" is listed twice`,
        });
      }
      seen.add(option.period);
    });
  });

const usersLimit = z
  .int({ error: 'must be a whole number of users' })
  .min(1, 'must be at least 1')
  .max(MAX_USERS, `at most ${MAX_USERS} users`);

/** Strict: an unknown (e.g. misspelt) field is refused rather than silently defaulted. */
export const planSchema = z
  .strictObject({
    code: z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/,
        'lowercase letters, digits, dashes and underscores, 1-64 characters, e.g. standard',
      ),
    name: text(120),
    description: z.string().trim().max(2000, 'at most 2000 characters').default(''),
    modules: z.array(text(120)).max(200, 'at most 200 modules').default([]),
    currency: z.enum(CURRENCIES, { error: 'unknown currency' }).default('DKK'),
    pricesIncludeVat: z.boolean({ error: 'must be true or false' }),
    vatRateBasisPoints: z
      .int({ error: 'must be a whole number of basis points, e.g. 2500 for 25%' })
      .min(0, 'a VAT rate cannot be negative')
      .max(BASIS_POINTS, 'at most 10000 (100%)')
      .default(2500),
    baseAmount: amount,
    tiers: tiersSchema,
    minUsers: usersLimit.default(1),
    maxUsers: usersLimit.default(MAX_USERS),
    trialDays: z
      .int({ error: 'must be a whole number of days' })
      .min(0, 'cannot be negative')
      .max(MAX_TRIAL_DAYS, 'a trial lasts at most 365 days')
      .default(0),
    periods: periodsSchema.default([{ period: 'month', discountBasisPoints: 0 }]),
    archived: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .superRefine((plan, ctx) => {
    if (plan.minUsers > plan.maxUsers) {
      ctx.addIssue({
        code: 'custom',
        path: ['minUsers'],
        message: `must not exceed maxUsers (${plan.maxUsers})`,
      });
    }
  });

/** What a vendor may send: optional fields fall back to their defaults. */
export type PlanInput = z.input<typeof planSchema>;

/** One problem per field (the first), dotted from `root`, with a hint where one helps. */
function toProblems(issues: z.core.$ZodIssue[], root: string): FieldProblem[] {
  const problems = issues.flatMap((issue): FieldProblem[] => {
    const [base] = issuesToProblems([issue], root);
    if (!base) return [];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${base.field}.${key}`, message: 'unknown field' }));
    }
    if (issue.code === 'invalid_value') {
      return [{ ...base, hint: `one of ${issue.values.map(String).join(', ')}` }];
    }
    const hint = issue.code === 'custom' ? issue.params?.['hint'] : undefined;
    return [typeof hint === 'string' ? { ...base, hint } : base];
  });
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (seen.has(p.field)) return false;
    seen.add(p.field);
    return true;
  });
}

/** Validates a plan; throws AftaleError BAD_USER_INPUT naming each bad field. */
export function parsePlan(input: unknown, root = 'input'): PlanDefinition {
  const result = planSchema.safeParse(input);
  if (result.success) return result.data;
  throw AftaleError.badInput(toProblems(result.error.issues, root));
}
