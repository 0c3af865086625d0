import { AftaleError, type FieldProblem } from '@aftale/domain';
import { INTRAS_LIKE_DEMO_PLANS } from './demo-plans';
import { parsePlan, type PlanDefinition } from './plan';
import { quote, type QuoteOptions } from './quote';

const START = new Date('2025-03-01T10:00:00.000Z');
const plan = (code: string): PlanDefinition => {
  const found = INTRAS_LIKE_DEMO_PLANS.find((p) => p.code === code);
  if (!found) throw new Error(`no demo plan ${code}`);
  return found;
};
const monthly = (code: string, users: number) =>
  quote(plan(code), users, 'month', { startDate: START });

function problems(fn: () => unknown): FieldProblem[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AftaleError);
    expect((error as AftaleError).code).toBe('BAD_USER_INPUT');
    return (error as AftaleError).problems;
  }
  throw new Error('expected a refusal');
}

describe('quote: Intras-like prices (DKK incl. 25% VAT, per month)', () => {
  it.each([
    ['standard', 12, 50500],
    ['standard', 40, 123500],
    ['premium', 31, 144500],
    ['essentiel', 1, 11000],
  ])('%s with %i users costs %i øre a month', (code, users, total) => {
    const q = monthly(code, users);
    expect(q.totalInclVat).toBe(total);
    expect(q.monthlyEquivalentInclVat).toBe(total);
    expect(q.currency).toBe('DKK');
  });

  it('splits VAT out of the gross price', () => {
    const q = monthly('standard', 12);
    expect(q).toMatchObject({ subtotalExclVat: 40400, vat: 10100, totalInclVat: 50500 });
  });

  it('itemises the base and each tier', () => {
    expect(monthly('standard', 40).lines).toEqual([
      {
        kind: 'base',
        fromUser: null,
        toUser: null,
        quantity: 1,
        unitAmount: 8500,
        months: 1,
        amount: 8500,
      },
      {
        kind: 'users',
        fromUser: 1,
        toUser: 30,
        quantity: 30,
        unitAmount: 3500,
        months: 1,
        amount: 105000,
      },
      {
        kind: 'users',
        fromUser: 31,
        toUser: 40,
        quantity: 10,
        unitAmount: 1000,
        months: 1,
        amount: 10000,
      },
    ]);
    expect(monthly('standard', 30).lines.map((l) => l.kind)).toEqual(['base', 'users']);
  });

  it('charges 10 kr for user 31 and the tier price up to 30', () => {
    for (const [code, perUser] of [
      ['essentiel', 2500],
      ['standard', 3500],
      ['premium', 4500],
    ] as const) {
      expect(monthly(code, 30).totalInclVat - monthly(code, 29).totalInclVat).toBe(perUser);
      expect(monthly(code, 31).totalInclVat - monthly(code, 30).totalInclVat).toBe(1000);
    }
  });

  it('starts with a 30-day trial and charges when it ends', () => {
    const q = monthly('standard', 12);
    expect(q.startsAt).toBe('2025-03-01T10:00:00.000Z');
    expect(q.trialEndsAt).toBe('2025-03-31T10:00:00.000Z');
    expect(q.firstChargeAt).toBe(q.trialEndsAt);
  });

  it('prices a quarter and a year as 3 and 12 months', () => {
    const q = quote(plan('standard'), 40, 'quarter', { startDate: START });
    expect(q).toMatchObject({ months: 3, listAmount: 370500, totalInclVat: 370500 });
    expect(q.monthlyEquivalentInclVat).toBe(123500);
    const y = quote(plan('standard'), 40, 'year', { startDate: START });
    expect(y).toMatchObject({ months: 12, totalInclVat: 1482000, discountAmount: 0 });
  });
});

describe('quote: other plans', () => {
  const netPlan = parsePlan({
    code: 'hosting',
    name: 'Hosting',
    currency: 'EUR',
    pricesIncludeVat: false,
    vatRateBasisPoints: 2500,
    baseAmount: 999,
    tiers: [{ upTo: null, unitAmount: 1 }],
    periods: [{ period: 'month' }, { period: 'year', discountBasisPoints: 1500 }],
  });

  it('adds VAT on top of net prices, rounding half to even', () => {
    // 1000 net → 250 VAT; 1001 net → 250.25 → 250.
    expect(quote(netPlan, 1, 'month', { startDate: START })).toMatchObject({
      subtotalExclVat: 1000,
      vat: 250,
      totalInclVat: 1250,
    });
    expect(quote(netPlan, 2, 'month', { startDate: START }).vat).toBe(250);
  });

  it('discounts the whole prepaid period', () => {
    // 12 x 1000 = 12000, 15% off = 1800 → 10200 net, 2550 VAT.
    const q = quote(netPlan, 1, 'year', { startDate: START });
    expect(q).toMatchObject({
      listAmount: 12000,
      discountBasisPoints: 1500,
      discountAmount: 1800,
      subtotalExclVat: 10200,
      vat: 2550,
      totalInclVat: 12750,
      monthlyEquivalentInclVat: 1062, // 1062.5 → even
    });
  });

  it('has no trial when trialDays is 0 and charges at start', () => {
    const q = quote(netPlan, 1, 'month', { startDate: START });
    expect(q.trialEndsAt).toBeNull();
    expect(q.firstChargeAt).toBe(START.toISOString());
  });

  it('leaves out the base line when there is no base price', () => {
    const free = parsePlan({ ...netPlan, baseAmount: 0 });
    expect(quote(free, 3, 'month', { startDate: START }).lines).toEqual([
      { kind: 'users', fromUser: 1, toUser: 3, quantity: 3, unitAmount: 1, months: 1, amount: 3 },
    ]);
  });

  it('prices archived plans (renewals need them)', () => {
    const archived = { ...plan('standard'), archived: true };
    expect(quote(archived, 12, 'month', { startDate: START }).totalInclVat).toBe(50500);
  });

  it('is deterministic and leaves the plan untouched', () => {
    const p = structuredClone(plan('premium'));
    const before = structuredClone(p);
    expect(quote(p, 31, 'year', { startDate: START })).toEqual(
      quote(p, 31, 'year', { startDate: START }),
    );
    expect(p).toEqual(before);
  });

  it('starts now by default', () => {
    const before = Date.now();
    const q = quote(plan('standard'), 1, 'month');
    expect(Date.parse(q.startsAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(q.startsAt)).toBeLessThanOrEqual(Date.now());
  });
});

describe('quote: refusals', () => {
  const standard = plan('standard');
  const opts: QuoteOptions = { startDate: START };

  it.each([0, -1, 1e9, 100_001, 1.5, Number.NaN])('refuses %s users', (users) => {
    const [problem] = problems(() => quote(standard, users, 'month', opts));
    expect(problem?.field).toBe('input.users');
  });

  it("refuses users outside the plan's own limits", () => {
    const small = parsePlan({ ...standard, minUsers: 5, maxUsers: 10 });
    expect(problems(() => quote(small, 4, 'month', opts))).toEqual([
      {
        field: 'input.users',
        message: 'this plan is for 5 to 10 users',
        hint: 'send a number from 5 to 10',
      },
    ]);
    expect(problems(() => quote(small, 11, 'month', opts))[0]?.field).toBe('input.users');
    expect(quote(small, 10, 'month', opts).users).toBe(10);
  });

  it('refuses an unknown period and one the plan does not sell', () => {
    expect(problems(() => quote(standard, 1, 'week', opts))).toEqual([
      { field: 'input.period', message: 'unknown period', hint: 'one of month, quarter, year' },
    ]);
    const monthOnly = parsePlan({ ...standard, periods: [{ period: 'month' }] });
    expect(problems(() => quote(monthOnly, 1, 'year', opts))).toEqual([
      {
        field: 'input.period',
        message: 'this plan cannot be prepaid per year',
        hint: 'one of month',
      },
    ]);
  });

  it('refuses an invalid start date', () => {
    const bad = { startDate: new Date('not a date') };
    expect(problems(() => quote(standard, 1, 'month', bad))[0]?.field).toBe('input.startDate');
    const edge = { startDate: new Date(8.64e15) };
    expect(problems(() => quote(standard, 1, 'month', edge))[0]?.field).toBe('input.startDate');
  });

  it('names fields under a custom root', () => {
    const q = () => quote(standard, 0, 'month', { ...opts, root: 'input.subscription' });
    expect(problems(q)[0]?.field).toBe('input.subscription.users');
  });

  it('refuses an invalid plan rather than pricing it', () => {
    const broken = { ...standard, tiers: [{ upTo: 30, unitAmount: 3500 }] };
    expect(problems(() => quote(broken, 1, 'month', opts))[0]?.field).toBe('plan.tiers.0.upTo');
  });
});
