// The bundle maps '@aftale/pricing' to compute.ts + format.ts only (see build.ts): no zod.
import {
  computeQuote,
  formatMinor,
  type PlanDefinition,
  type PrepaidPeriod,
  type Quote,
} from '@aftale/pricing';
import type { Locale } from './i18n';

const TAGS: Record<Locale, string> = { da: 'da-DK', en: 'en-GB' };

/** The server's own arithmetic; null when the plan is not for this many users or period. */
export function priceFor(
  plan: PlanDefinition,
  users: number,
  period: PrepaidPeriod,
  start = new Date(),
): Quote | null {
  if (!(users >= plan.minUsers && users <= plan.maxUsers)) return null;
  try {
    return computeQuote(plan, users, period, start);
  } catch {
    return null;
  }
}

/** The period to price a plan at: the chosen one when the plan sells it, else its first. */
export function periodFor(plan: PlanDefinition, wanted: PrepaidPeriod): PrepaidPeriod {
  const periods = plan.periods.map((o) => o.period);
  return periods.includes(wanted) ? wanted : (periods[0] ?? 'month');
}

export const formatMoney = (amount: number, quote: Quote, locale: Locale): string =>
  formatMinor(amount, quote.currency, locale);

export const formatPercent = (basisPoints: number, locale: Locale): string =>
  new Intl.NumberFormat(TAGS[locale], { style: 'percent', maximumFractionDigits: 2 }).format(
    basisPoints / 10_000,
  );

export const formatDate = (iso: string, locale: Locale): string =>
  new Intl.DateTimeFormat(TAGS[locale], { dateStyle: 'long' }).format(new Date(iso));
