import { AftaleError } from '@aftale/domain';
import { discountOf, roundHalfEvenDiv, toSafeNumber, vatFromGross, vatFromNet } from './money';
import {
  PERIOD_MONTHS,
  PERIODS,
  parsePlan,
  type Currency,
  type PlanDefinition,
  type PrepaidPeriod,
} from './plan';

/*
 * Rounding rules (all amounts are integer minor units; see README.md):
 * 1. Lines: quantity x monthly unit amount x months, exact.
 * 2. Discount: round_half_even(list * discountBp / 10000) on the whole period's list amount,
 *    in the basis the prices were entered in (gross or net).
 * 3. VAT, once per period, on the discounted amount:
 *    prices incl. VAT: vat = round_half_even(gross * rate / (10000 + rate)), net = gross - vat;
 *    prices excl. VAT: vat = round_half_even(net * rate / 10000), gross = net + vat.
 * 4. Monthly equivalent: round_half_even(total / months); for display only, never charged.
 */

const DAY_MS = 86_400_000;

export interface QuoteLine {
  kind: 'base' | 'users';
  /** Users covered by this tier line, inclusive; null on the base line. */
  fromUser: number | null;
  toUser: number | null;
  quantity: number;
  /** Per unit per month, in the plan's basis (incl. or excl. VAT, see `pricesIncludeVat`). */
  unitAmount: number;
  months: number;
  /** quantity x unitAmount x months. */
  amount: number;
}

export interface Quote {
  planCode: string;
  currency: Currency;
  period: PrepaidPeriod;
  months: number;
  users: number;
  pricesIncludeVat: boolean;
  vatRateBasisPoints: number;
  lines: QuoteLine[];
  /** Sum of the lines for the whole period, before discount, in the plan's basis. */
  listAmount: number;
  discountBasisPoints: number;
  discountAmount: number;
  subtotalExclVat: number;
  vat: number;
  totalInclVat: number;
  monthlyEquivalentInclVat: number;
  /** ISO 8601 UTC timestamps. */
  startsAt: string;
  trialEndsAt: string | null;
  firstChargeAt: string;
}

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

  const months = PERIOD_MONTHS[option.period];
  const lines: QuoteLine[] = [];
  if (p.baseAmount > 0) {
    lines.push(line('base', null, null, 1, p.baseAmount, months));
  }
  let previous = 0;
  for (const tier of p.tiers) {
    if (previous >= users) break;
    const to = tier.upTo === null ? users : Math.min(users, tier.upTo);
    lines.push(line('users', previous + 1, to, to - previous, tier.unitAmount, months));
    previous = to;
  }

  const listAmount = lines.reduce((sum, l) => sum + l.amount, 0);
  const discountAmount = discountOf(listAmount, option.discountBasisPoints);
  const amount = listAmount - discountAmount;
  const rate = p.vatRateBasisPoints;
  const vat = p.pricesIncludeVat ? vatFromGross(amount, rate) : vatFromNet(amount, rate);
  const subtotalExclVat = p.pricesIncludeVat ? amount - vat : amount;
  const totalInclVat = subtotalExclVat + vat;
  assertSafe(totalInclVat);

  return {
    planCode: p.code,
    currency: p.currency,
    period: option.period,
    months,
    users,
    pricesIncludeVat: p.pricesIncludeVat,
    vatRateBasisPoints: rate,
    lines,
    listAmount,
    discountBasisPoints: option.discountBasisPoints,
    discountAmount,
    subtotalExclVat,
    vat,
    totalInclVat,
    monthlyEquivalentInclVat: toSafeNumber(roundHalfEvenDiv(BigInt(totalInclVat), BigInt(months))),
    startsAt: start.toISOString(),
    trialEndsAt: trialEnd ? trialEnd.toISOString() : null,
    firstChargeAt: (trialEnd ?? start).toISOString(),
  };
}

function line(
  kind: QuoteLine['kind'],
  fromUser: number | null,
  toUser: number | null,
  quantity: number,
  unitAmount: number,
  months: number,
): QuoteLine {
  const amount = quantity * unitAmount * months;
  assertSafe(amount);
  return { kind, fromUser, toUser, quantity, unitAmount, months, amount };
}

function assertSafe(amount: number): void {
  // Plan bounds make this unreachable; kept so an overflow can never become a wrong price.
  if (!Number.isSafeInteger(amount)) throw new RangeError('amount outside the safe range');
}
