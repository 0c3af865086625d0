import fc from 'fast-check';
import {
  INTRAS_LIKE_DEMO_PLANS,
  PERIOD_MONTHS,
  PERIODS,
  parsePlan,
  quote,
  type PlanDefinition,
} from '@aftale/pricing';
import { formatDate, formatMoney, formatPercent, periodFor, priceFor } from './price';

const START = new Date('2026-11-22T09:00:00.000Z');
const plain = (s: string) => s.replace(/\u00a0/g, ' ');
const [essentiel, standard, premium] = INTRAS_LIKE_DEMO_PLANS as PlanDefinition[];

describe('live prices in the widget', () => {
  it('prices the demo plans like the corpus price list (incl. VAT, per month)', () => {
    const q = priceFor(standard!, 10, 'month', START)!;
    expect(q.totalInclVat).toBe(8500 + 10 * 3500);
    expect(plain(formatMoney(q.totalInclVat, q, 'da'))).toBe('435,00 kr.');
    expect(plain(formatMoney(q.totalInclVat, q, 'en'))).toBe('DKK 435.00');
    expect(plain(formatMoney(q.vat, q, 'da'))).toBe('87,00 kr.');
    // Above 30 users each extra user costs 10 kr.
    expect(priceFor(premium!, 40, 'month', START)!.totalInclVat).toBe(8500 + 30 * 4500 + 10 * 1000);
    expect(priceFor(essentiel!, 1, 'year', START)!.totalInclVat).toBe((8500 + 2500) * 12);
  });

  it('says "no price" rather than guess outside the plan', () => {
    const narrow = parsePlan({ ...standard!, minUsers: 5, maxUsers: 50 });
    expect(priceFor(narrow, 4, 'month', START)).toBeNull();
    expect(priceFor(narrow, 51, 'month', START)).toBeNull();
    const monthly = parsePlan({ ...standard!, periods: [{ period: 'month' }] });
    expect(priceFor(monthly, 10, 'year', START)).toBeNull();
    expect(periodFor(monthly, 'year')).toBe('month');
    expect(periodFor(standard!, 'quarter')).toBe('quarter');
  });

  it('formats percentages and dates for people', () => {
    expect(plain(formatPercent(1000, 'da'))).toBe('10 %');
    expect(formatPercent(1250, 'en')).toBe('12.5%');
    expect(formatDate('2026-12-22T09:00:00.000Z', 'da')).toBe('22. december 2026');
    expect(formatDate('2026-12-22T09:00:00.000Z', 'en')).toBe('22 December 2026');
  });
});

/** Random valid plans: tiers, VAT basis and rate, discounts, bounds. */
const planArb: fc.Arbitrary<PlanDefinition> = fc
  .record({
    pricesIncludeVat: fc.boolean(),
    vatRateBasisPoints: fc.oneof(fc.constantFrom(0, 2500), fc.integer({ min: 0, max: 10_000 })),
    baseAmount: fc.integer({ min: 0, max: 1_000_000 }),
    bounds: fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 3 }),
    units: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 4, maxLength: 4 }),
    discounts: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 3, maxLength: 3 }),
    periods: fc.subarray([...PERIODS], { minLength: 1 }),
    minUsers: fc.integer({ min: 1, max: 10 }),
    extraUsers: fc.integer({ min: 0, max: 2000 }),
    trialDays: fc.integer({ min: 0, max: 365 }),
    currency: fc.constantFrom('DKK', 'EUR', 'SEK'),
  })
  .map((r) =>
    parsePlan({
      code: 'random',
      name: 'Random',
      currency: r.currency,
      pricesIncludeVat: r.pricesIncludeVat,
      vatRateBasisPoints: r.vatRateBasisPoints,
      baseAmount: r.baseAmount,
      tiers: [
        ...[...r.bounds]
          .sort((a, b) => a - b)
          .map((upTo, i) => ({ upTo, unitAmount: r.units[i]! })),
        { upTo: null, unitAmount: r.units[3]! },
      ],
      minUsers: r.minUsers,
      maxUsers: r.minUsers + r.extraUsers,
      trialDays: r.trialDays,
      periods: r.periods.map((period, i) => ({ period, discountBasisPoints: r.discounts[i]! })),
    }),
  );

describe('the widget prices exactly as the server quotes', () => {
  it('computeQuote (via priceFor) equals quote() for random plans, users and periods', () => {
    fc.assert(
      fc.property(
        planArb.chain((plan) =>
          fc.tuple(
            fc.constant(plan),
            fc.integer({ min: plan.minUsers, max: plan.maxUsers }),
            fc.constantFrom(...plan.periods.map((o) => o.period)),
            fc.date({
              min: new Date('2020-01-01'),
              max: new Date('2040-01-01'),
              noInvalidDate: true,
            }),
          ),
        ),
        ([plan, users, period, start]) => {
          expect(priceFor(plan, users, period, start)).toEqual(
            quote(plan, users, period, { startDate: start }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches on the demo plans for every user count up to 120 and every period', () => {
    for (const plan of INTRAS_LIKE_DEMO_PLANS) {
      for (const period of PERIODS) {
        for (let users = 1; users <= 120; users++) {
          expect(priceFor(plan, users, period, START)).toEqual(
            quote(plan, users, period, { startDate: START }),
          );
        }
      }
    }
  });

  it('uses the same month counts as the plan schema', () => {
    for (const period of PERIODS) {
      expect(priceFor(standard!, 1, period, START)!.months).toBe(PERIOD_MONTHS[period]);
    }
  });
});
