import { discountOf, roundHalfEvenDiv, toSafeNumber, vatFromGross, vatFromNet } from './money';
// Types only: plan.ts carries zod, which the browser widget must not bundle.
import type { Currency, PlanDefinition, PrepaidPeriod } from './plan';

/*
 * The pricing arithmetic, free of validation libraries so the browser widget prices with
 * exactly the code the server charges with. `quote()` validates, then calls this.
 *
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
// Mirrors PERIOD_MONTHS in plan.ts (which cannot be imported here); a unit test pins them equal.
const MONTHS: Readonly<Record<PrepaidPeriod, number>> = { month: 1, quarter: 3, year: 12 };

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

/**
 * Prices `users` users on an already validated `plan` for one prepaid `period`. Callers
 * check the user range and the period first (quote() does, with field errors); this only
 * refuses, with a RangeError, what would otherwise produce a wrong number.
 */
export function computeQuote(
  plan: PlanDefinition,
  users: number,
  period: PrepaidPeriod,
  start: Date,
): Quote {
  const option = plan.periods.find((o) => o.period === period);
  const months = MONTHS[period];
  if (!option || !months) throw new RangeError(`plan cannot be prepaid per ${period}`);
  if (!Number.isSafeInteger(users) || users < 1) throw new RangeError('users must be >= 1');
  const trialEnd = plan.trialDays > 0 ? new Date(start.getTime() + plan.trialDays * DAY_MS) : null;
  if (Number.isNaN(start.getTime()) || (trialEnd && Number.isNaN(trialEnd.getTime()))) {
    throw new RangeError('invalid start date');
  }

  const lines: QuoteLine[] = [];
  if (plan.baseAmount > 0) {
    lines.push(line('base', null, null, 1, plan.baseAmount, months));
  }
  let previous = 0;
  for (const tier of plan.tiers) {
    if (previous >= users) break;
    const to = tier.upTo === null ? users : Math.min(users, tier.upTo);
    lines.push(line('users', previous + 1, to, to - previous, tier.unitAmount, months));
    previous = to;
  }

  const listAmount = lines.reduce((sum, l) => sum + l.amount, 0);
  const discountAmount = discountOf(listAmount, option.discountBasisPoints);
  const amount = listAmount - discountAmount;
  const rate = plan.vatRateBasisPoints;
  const vat = plan.pricesIncludeVat ? vatFromGross(amount, rate) : vatFromNet(amount, rate);
  const subtotalExclVat = plan.pricesIncludeVat ? amount - vat : amount;
  const totalInclVat = subtotalExclVat + vat;
  assertSafe(totalInclVat);

  return {
    planCode: plan.code,
    currency: plan.currency,
    period: option.period,
    months,
    users,
    pricesIncludeVat: plan.pricesIncludeVat,
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
