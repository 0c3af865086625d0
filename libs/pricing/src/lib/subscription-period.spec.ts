import {
  accessEndsAt,
  addMonths,
  advancePeriod,
  requestCancel,
  startPeriod,
} from './subscription-period';

const d = (iso: string) => new Date(iso);

describe('subscription periods', () => {
  it('adds calendar months, clamping to the last day', () => {
    expect(addMonths(d('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths(d('2026-11-22T00:00:00Z'), 3).toISOString()).toBe('2027-02-22T00:00:00.000Z');
    expect(addMonths(d('2028-02-29T00:00:00Z'), 12).toISOString()).toBe('2029-02-28T00:00:00.000Z');
  });

  it('starts with the trial, then the binding period begins', () => {
    const s = startPeriod(d('2026-11-01T00:00:00Z'), 'quarter', 30);
    expect(s).toMatchObject({ status: 'trialing', currentPeriodEnd: d('2026-12-01T00:00:00Z') });
    const later = advancePeriod(s, d('2026-12-05T00:00:00Z'));
    expect(later).toMatchObject({
      status: 'active',
      currentPeriodStart: d('2026-12-01T00:00:00Z'),
      currentPeriodEnd: d('2027-03-01T00:00:00Z'),
    });
  });

  it('renews automatically, period after period', () => {
    const s = startPeriod(d('2026-01-15T00:00:00Z'), 'month', 0);
    const later = advancePeriod(s, d('2026-04-20T00:00:00Z'));
    expect(later).toMatchObject({
      status: 'active',
      currentPeriodStart: d('2026-04-15T00:00:00Z'),
      currentPeriodEnd: d('2026-05-15T00:00:00Z'),
    });
  });

  it('cancels at period end with access until then (no refund)', () => {
    const s = requestCancel(
      startPeriod(d('2026-01-01T00:00:00Z'), 'year', 0),
      d('2026-03-01T00:00:00Z'),
    );
    expect(accessEndsAt(s)).toEqual(d('2027-01-01T00:00:00Z'));
    expect(advancePeriod(s, d('2026-12-31T00:00:00Z')).status).toBe('active');
    const ended = advancePeriod(s, d('2027-01-01T00:00:00Z'));
    expect(ended.status).toBe('canceled');
    expect(accessEndsAt(ended)).toEqual(d('2027-01-01T00:00:00Z'));
  });

  it('renews once more when cancelled on the last day', () => {
    const s = requestCancel(
      startPeriod(d('2026-01-01T00:00:00Z'), 'month', 0),
      d('2026-01-31T12:00:00Z'),
    );
    expect(accessEndsAt(s)).toEqual(d('2026-03-01T00:00:00Z'));
    expect(advancePeriod(s, d('2026-02-10T00:00:00Z')).status).toBe('active');
    expect(advancePeriod(s, d('2026-03-01T00:00:00Z')).status).toBe('canceled');
  });

  it('ends a cancelled trial at the trial end', () => {
    const s = requestCancel(
      startPeriod(d('2026-01-01T00:00:00Z'), 'month', 30),
      d('2026-01-30T23:00:00Z'),
    );
    expect(accessEndsAt(s)).toEqual(d('2026-01-31T00:00:00Z'));
    expect(advancePeriod(s, d('2026-02-01T00:00:00Z')).status).toBe('canceled');
  });
});
