import fc from 'fast-check';
import { discountOf, roundHalfEvenDiv, vatFromGross, vatFromNet } from './money';
import {
  MAX_UNIT_AMOUNT,
  MAX_USERS,
  PERIOD_MONTHS,
  PERIODS,
  parsePlan,
  type PlanDefinition,
} from './plan';
import { quote, type Quote } from './quote';

const START = new Date('2025-01-01T00:00:00.000Z');

/** Random valid plans, every period on sale, amounts up to the bounds. */
const planArb: fc.Arbitrary<PlanDefinition> = fc
  .record({
    pricesIncludeVat: fc.boolean(),
    vatRateBasisPoints: fc.oneof(
      fc.constantFrom(0, 600, 1200, 2500, 2700),
      fc.integer({ min: 0, max: 10_000 }),
    ),
    baseAmount: fc.oneof(
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: MAX_UNIT_AMOUNT }),
    ),
    bounds: fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 4 }),
    units: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 5, maxLength: 5 }),
    discounts: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 3, maxLength: 3 }),
    minUsers: fc.integer({ min: 1, max: 20 }),
    extraUsers: fc.integer({ min: 0, max: 1000 }),
    trialDays: fc.integer({ min: 0, max: 365 }),
  })
  .map((r) =>
    parsePlan({
      code: 'random',
      name: 'Random',
      pricesIncludeVat: r.pricesIncludeVat,
      vatRateBasisPoints: r.vatRateBasisPoints,
      baseAmount: r.baseAmount,
      tiers: [
        ...[...r.bounds]
          .sort((a, b) => a - b)
          .map((upTo, i) => ({ upTo, unitAmount: r.units[i] ?? 0 })),
        { upTo: null, unitAmount: r.units[4] ?? 0 },
      ],
      minUsers: r.minUsers,
      maxUsers: r.minUsers + r.extraUsers,
      trialDays: r.trialDays,
      periods: PERIODS.map((period, i) => ({ period, discountBasisPoints: r.discounts[i] ?? 0 })),
    }),
  );

const periodArb = fc.constantFrom(...PERIODS);
const usersIn = (p: PlanDefinition) => fc.integer({ min: p.minUsers, max: p.maxUsers });
const q = (p: PlanDefinition, users: number, period: string) =>
  quote(p, users, period, { startDate: START });

function numbers(value: Quote): number[] {
  return [
    value.months,
    value.users,
    value.vatRateBasisPoints,
    value.listAmount,
    value.discountBasisPoints,
    value.discountAmount,
    value.subtotalExclVat,
    value.vat,
    value.totalInclVat,
    value.monthlyEquivalentInclVat,
    ...value.lines.flatMap((l) => [l.quantity, l.unitAmount, l.months, l.amount]),
  ];
}

describe('quote properties', () => {
  it('never falls as users rise', () => {
    fc.assert(
      fc.property(
        planArb.chain((p) => fc.tuple(fc.constant(p), usersIn(p), usersIn(p), periodArb)),
        ([p, a, b, period]) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const low = q(p, lo, period);
          const high = q(p, hi, period);
          expect(high.totalInclVat).toBeGreaterThanOrEqual(low.totalInclVat);
          expect(high.subtotalExclVat).toBeGreaterThanOrEqual(low.subtotalExclVat);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never falls by one more user, anywhere in the range', () => {
    fc.assert(
      fc.property(
        planArb.filter((p) => p.maxUsers > p.minUsers),
        periodArb,
        (p, period) => {
          for (let users = p.minUsers; users < Math.min(p.maxUsers, p.minUsers + 60); users++) {
            expect(q(p, users + 1, period).totalInclVat).toBeGreaterThanOrEqual(
              q(p, users, period).totalInclVat,
            );
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('prices users 30 and 31 at their own tiers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (base, upTo30, above) => {
          const p = parsePlan({
            code: 'tiers',
            name: 'Tiers',
            pricesIncludeVat: true,
            baseAmount: base,
            tiers: [
              { upTo: 30, unitAmount: upTo30 },
              { upTo: null, unitAmount: above },
            ],
          });
          const total = (users: number) => q(p, users, 'month').totalInclVat;
          expect(total(30)).toBe(base + 30 * upTo30);
          expect(total(30) - total(29)).toBe(upTo30);
          expect(total(31) - total(30)).toBe(above);
          const lines = q(p, 31, 'month').lines.filter((l) => l.kind === 'users');
          expect(lines.map((l) => [l.fromUser, l.toUser, l.quantity])).toEqual([
            [1, 30, 30],
            [31, 31, 1],
          ]);
        },
      ),
    );
  });

  it('adds up: lines, discount, subtotal + VAT = total, VAT by the documented rule', () => {
    fc.assert(
      fc.property(
        planArb.chain((p) => fc.tuple(fc.constant(p), usersIn(p), periodArb)),
        ([p, users, period]) => {
          const r = q(p, users, period);
          expect(r.lines.reduce((s, l) => s + l.amount, 0)).toBe(r.listAmount);
          expect(
            r.lines.filter((l) => l.kind === 'users').reduce((s, l) => s + l.quantity, 0),
          ).toBe(users);
          expect(r.totalInclVat).toBe(r.subtotalExclVat + r.vat);
          const amount = r.listAmount - r.discountAmount;
          if (p.pricesIncludeVat) {
            expect(r.totalInclVat).toBe(amount);
            expect(r.vat).toBe(vatFromGross(amount, p.vatRateBasisPoints));
          } else {
            expect(r.subtotalExclVat).toBe(amount);
            expect(r.vat).toBe(vatFromNet(amount, p.vatRateBasisPoints));
          }
          expect(r.monthlyEquivalentInclVat).toBe(
            Number(roundHalfEvenDiv(BigInt(r.totalInclVat), BigInt(r.months))),
          );
          expect(r.vat).toBeGreaterThanOrEqual(0);
          expect(r.subtotalExclVat).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prices a quarter and a year as the month times months, minus the discount', () => {
    const noMonthDiscount = planArb.map((p) => ({
      ...p,
      periods: p.periods.map((o) => (o.period === 'month' ? { ...o, discountBasisPoints: 0 } : o)),
    }));
    fc.assert(
      fc.property(
        noMonthDiscount.chain((p) =>
          fc.tuple(
            fc.constant(p),
            usersIn(p),
            fc.constantFrom('quarter', 'year') as fc.Arbitrary<'quarter' | 'year'>,
          ),
        ),
        ([p, users, period]) => {
          const month = q(p, users, 'month');
          const long = q(p, users, period);
          const months = PERIOD_MONTHS[period];
          // Discount and VAT are rounded once per period, so compare in the entered basis.
          const monthly = p.pricesIncludeVat ? month.totalInclVat : month.subtotalExclVat;
          const expected =
            monthly * months - discountOf(monthly * months, long.discountBasisPoints);
          expect(long.months).toBe(months);
          expect(long.listAmount).toBe(month.listAmount * months);
          expect(long.discountAmount).toBe(discountOf(long.listAmount, long.discountBasisPoints));
          if (p.pricesIncludeVat) {
            expect(long.totalInclVat).toBe(expected);
          } else {
            expect(long.subtotalExclVat).toBe(expected);
            expect(long.totalInclVat).toBe(expected + vatFromNet(expected, p.vatRateBasisPoints));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses only safe integers, even at the largest plan', () => {
    const biggest = parsePlan({
      code: 'max',
      name: 'Max',
      pricesIncludeVat: false,
      vatRateBasisPoints: 10_000,
      baseAmount: MAX_UNIT_AMOUNT,
      tiers: [{ upTo: null, unitAmount: MAX_UNIT_AMOUNT }],
      periods: [{ period: 'year' }],
    });
    expect(numbers(q(biggest, MAX_USERS, 'year')).every(Number.isSafeInteger)).toBe(true);
    fc.assert(
      fc.property(
        planArb.chain((p) => fc.tuple(fc.constant(p), usersIn(p), periodArb)),
        ([p, users, period]) => {
          expect(numbers(q(p, users, period)).every(Number.isSafeInteger)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
