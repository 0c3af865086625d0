import { AftaleError } from '@aftale/domain';
import { computeQuote, type Quote } from './compute';
import { PERIODS, parsePlan, type PlanDefinition } from './plan';

// The arithmetic and its types live in compute.ts (zod-free, shared with the widget).
export type { Quote, QuoteLine } from './compute';

const DAY_MS = 86_400_000;

export interface QuoteOptions {
  /** Start of the subscription; defaults to now (the only non-deterministic input). */
  startDate?: Date;
  /** Root of the field names in errors; `input` gives `input.users`. */
  root?: string;
}

/**
 * Prices `users` users on `plan` for one prepaid `period`. Archived plans are priced too
 * (renewals need them); hiding them from new sign-ups is the caller's job.
 */
export function quote(
  plan: PlanDefinition,
  users: number,
  period: string,
  options: QuoteOptions = {},
): Quote {
  const root = options.root ?? 'input';
  // Re-checked because the arithmetic relies on ordered tiers and bounded amounts.
  const p = parsePlan(plan, 'plan');

  if (!Number.isSafeInteger(users)) {
    throw AftaleError.field(`${root}.users`, 'must be a whole number of users', 'e.g. 12');
  }
  if (users < p.minUsers || users > p.maxUsers) {
    throw AftaleError.field(
      `${root}.users`,
      `this plan is for ${p.minUsers} to ${p.maxUsers} users`,
      `send a number from ${p.minUsers} to ${p.maxUsers}`,
    );
  }
  if (!(PERIODS as readonly string[]).includes(period)) {
    throw AftaleError.field(`${root}.period`, 'unknown period', `one of ${PERIODS.join(', ')}`);
  }
  const option = p.periods.find((o) => o.period === period);
  if (!option) {
    throw AftaleError.field(
      `${root}.period`,
      `this plan cannot be prepaid per ${period}`,
      `one of ${p.periods.map((o) => o.period).join(', ')}`,
    );
  }

  const start = options.startDate ?? new Date();
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) {
    throw AftaleError.field(`${root}.startDate`, 'must be a valid date', 'e.g. 2025-01-31');
  }
  const trialEnd = p.trialDays > 0 ? new Date(start.getTime() + p.trialDays * DAY_MS) : null;
  if (trialEnd && Number.isNaN(trialEnd.getTime())) {
    throw AftaleError.field(`${root}.startDate`, 'is too far in the future');
  }

  return computeQuote(p, users, option.period, start);
}
