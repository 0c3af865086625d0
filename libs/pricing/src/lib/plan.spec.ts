import { AftaleError, isAftaleError, type FieldProblem } from '@aftale/domain';
import { MAX_USERS, parsePlan, type PlanInput } from './plan';

const valid: PlanInput = {
  code: 'standard',
  name: 'Standard',
  pricesIncludeVat: true,
  baseAmount: 8500,
  tiers: [
    { upTo: 30, unitAmount: 3500 },
    { upTo: null, unitAmount: 1000 },
  ],
};

function problems(input: unknown, root?: string): FieldProblem[] {
  try {
    parsePlan(input, root);
  } catch (error) {
    expect(isAftaleError(error)).toBe(true);
    expect((error as AftaleError).code).toBe('BAD_USER_INPUT');
    return (error as AftaleError).problems;
  }
  throw new Error('expected parsePlan to refuse the input');
}

const fields = (input: unknown) => problems(input).map((p) => p.field);
const withPlan = (patch: Record<string, unknown>) => ({ ...valid, ...patch });

describe('parsePlan', () => {
  it('fills in defaults', () => {
    expect(parsePlan(valid)).toEqual({
      code: 'standard',
      name: 'Standard',
      description: '',
      modules: [],
      currency: 'DKK',
      pricesIncludeVat: true,
      vatRateBasisPoints: 2500,
      baseAmount: 8500,
      tiers: [
        { upTo: 30, unitAmount: 3500 },
        { upTo: null, unitAmount: 1000 },
      ],
      minUsers: 1,
      maxUsers: MAX_USERS,
      trialDays: 0,
      periods: [{ period: 'month', discountBasisPoints: 0 }],
      archived: false,
    });
  });

  it('accepts every allowed currency, period and the edges of the ranges', () => {
    for (const currency of ['DKK', 'EUR', 'SEK', 'NOK', 'USD', 'GBP']) {
      expect(parsePlan(withPlan({ currency })).currency).toBe(currency);
    }
    const plan = parsePlan(
      withPlan({
        trialDays: 365,
        minUsers: 1,
        maxUsers: MAX_USERS,
        baseAmount: 0,
        periods: [
          { period: 'month' },
          { period: 'quarter' },
          { period: 'year', discountBasisPoints: 1000 },
        ],
      }),
    );
    expect(plan.trialDays).toBe(365);
    expect(plan.periods[2]).toEqual({ period: 'year', discountBasisPoints: 1000 });
  });

  it('refuses a negative price', () => {
    expect(fields(withPlan({ baseAmount: -1 }))).toEqual(['input.baseAmount']);
    const tiers = [{ upTo: null, unitAmount: -3500 }];
    expect(problems(withPlan({ tiers }))).toEqual([
      { field: 'input.tiers.0.unitAmount', message: 'a price cannot be negative' },
    ]);
  });

  it('refuses fractional or textual amounts', () => {
    expect(fields(withPlan({ baseAmount: 85.5 }))).toEqual(['input.baseAmount']);
    expect(fields(withPlan({ baseAmount: '8500' }))).toEqual(['input.baseAmount']);
  });

  it('refuses overlapping tiers', () => {
    const tiers = [
      { upTo: 30, unitAmount: 3500 },
      { upTo: 30, unitAmount: 2000 },
      { upTo: null, unitAmount: 1000 },
    ];
    const [problem, ...rest] = problems(withPlan({ tiers }));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      field: 'input.tiers.1.upTo',
      hint: expect.stringContaining('30'),
    });
  });

  it('refuses unordered tiers', () => {
    const tiers = [
      { upTo: 50, unitAmount: 3500 },
      { upTo: 30, unitAmount: 2000 },
      { upTo: null, unitAmount: 1000 },
    ];
    expect(fields(withPlan({ tiers }))).toEqual(['input.tiers.1.upTo']);
  });

  it('refuses a last tier that is not open-ended, and an open end before the last', () => {
    expect(fields(withPlan({ tiers: [{ upTo: 30, unitAmount: 3500 }] }))).toEqual([
      'input.tiers.0.upTo',
    ]);
    const tiers = [
      { upTo: null, unitAmount: 3500 },
      { upTo: 40, unitAmount: 1000 },
    ];
    expect(fields(withPlan({ tiers }))).toEqual(['input.tiers.0.upTo', 'input.tiers.1.upTo']);
  });

  it('refuses no tiers and a tier upTo of 0', () => {
    expect(fields(withPlan({ tiers: [] }))).toEqual(['input.tiers']);
    const tiers = [
      { upTo: 0, unitAmount: 3500 },
      { upTo: null, unitAmount: 1000 },
    ];
    expect(fields(withPlan({ tiers }))).toEqual(['input.tiers.0.upTo']);
  });

  it('refuses 0 users and 10^9 users as limits', () => {
    expect(fields(withPlan({ minUsers: 0 }))).toEqual(['input.minUsers']);
    expect(fields(withPlan({ maxUsers: 1e9 }))).toEqual(['input.maxUsers']);
    expect(fields(withPlan({ maxUsers: MAX_USERS + 1 }))).toEqual(['input.maxUsers']);
    expect(fields(withPlan({ minUsers: 10, maxUsers: 5 }))).toEqual(['input.minUsers']);
  });

  it('refuses an unknown currency with the allowed ones as hint', () => {
    expect(problems(withPlan({ currency: 'XBT' }))).toEqual([
      {
        field: 'input.currency',
        message: 'unknown currency',
        hint: 'one of DKK, EUR, SEK, NOK, USD, GBP',
      },
    ]);
    expect(fields(withPlan({ currency: 'dkk' }))).toEqual(['input.currency']);
  });

  it('refuses an unknown or repeated period', () => {
    expect(problems(withPlan({ periods: [{ period: 'week' }] }))).toEqual([
      {
        field: 'input.periods.0.period',
        message: 'unknown period',
        hint: 'one of month, quarter, year',
      },
    ]);
    expect(fields(withPlan({ periods: [{ period: 'year' }, { period: 'year' }] }))).toEqual([
      'input.periods.1.period',
    ]);
    expect(fields(withPlan({ periods: [] }))).toEqual(['input.periods']);
    expect(fields(withPlan({ periods: [{ period: 'year', discountBasisPoints: -1 }] }))).toEqual([
      'input.periods.0.discountBasisPoints',
    ]);
  });

  it('refuses a trial longer than a year', () => {
    expect(fields(withPlan({ trialDays: 366 }))).toEqual(['input.trialDays']);
    expect(fields(withPlan({ trialDays: -1 }))).toEqual(['input.trialDays']);
  });

  it('refuses a VAT rate out of range', () => {
    expect(fields(withPlan({ vatRateBasisPoints: -1 }))).toEqual(['input.vatRateBasisPoints']);
    expect(fields(withPlan({ vatRateBasisPoints: 10001 }))).toEqual(['input.vatRateBasisPoints']);
  });

  it('names unknown fields instead of ignoring a typo', () => {
    expect(problems(withPlan({ trialDay: 30 }))).toEqual([
      { field: 'input.trialDay', message: 'unknown field' },
    ]);
  });

  it('reports every bad field at once, under the given root', () => {
    const input = withPlan({ code: 'Not A Slug', baseAmount: -1, currency: 'XBT', trialDays: 400 });
    expect(problems(input, 'input.plan').map((p) => p.field)).toEqual([
      'input.plan.code',
      'input.plan.currency',
      'input.plan.baseAmount',
      'input.plan.trialDays',
    ]);
  });

  it('reports tier order even when other fields are bad too', () => {
    const tiers = [
      { upTo: 30, unitAmount: 3500 },
      { upTo: 10, unitAmount: 1000 },
      { upTo: null, unitAmount: 1000 },
    ];
    expect(fields(withPlan({ tiers, currency: 'XBT' }))).toEqual([
      'input.currency',
      'input.tiers.1.upTo',
    ]);
  });

  it('refuses a missing VAT basis and non-objects', () => {
    const { pricesIncludeVat: _omit, ...rest } = valid;
    expect(fields(rest)).toEqual(['input.pricesIncludeVat']);
    expect(fields(null)).toEqual(['input']);
    expect(fields('standard')).toEqual(['input']);
  });
});
