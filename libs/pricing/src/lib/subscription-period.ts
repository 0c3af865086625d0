import { PERIOD_MONTHS, type PrepaidPeriod } from './plan';

/**
 * The subscription state machine shared by every billing provider (Stripe mirrors it; the
 * invoice provider runs it). Rules from the vendors' terms: the prepaid period is the
 * binding period; it renews automatically unless cancelled by the day before; a
 * cancellation takes effect at period end, with no refund; access ends then.
 */
export type PeriodStatus = 'trialing' | 'active' | 'past_due' | 'canceled' | 'paused';

export interface PeriodState {
  status: PeriodStatus;
  period: PrepaidPeriod;
  trialEndsAt: Date | null;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  /** When the cancellation was asked for. */
  canceledAt: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Calendar months in UTC, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const target = new Date(
    Date.UTC(
      y,
      m,
      1,
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

export function startPeriod(start: Date, period: PrepaidPeriod, trialDays: number): PeriodState {
  if (trialDays > 0) {
    const trialEndsAt = new Date(start.getTime() + trialDays * DAY_MS);
    return {
      status: 'trialing',
      period,
      trialEndsAt,
      currentPeriodStart: start,
      currentPeriodEnd: trialEndsAt,
      cancelAtPeriodEnd: false,
      canceledAt: null,
    };
  }
  return {
    status: 'active',
    period,
    trialEndsAt: null,
    currentPeriodStart: start,
    currentPeriodEnd: addMonths(start, PERIOD_MONTHS[period]),
    cancelAtPeriodEnd: false,
    canceledAt: null,
  };
}

/** True when a cancellation asked for at `requestedAt` still stops the renewal at `periodEnd`. */
export function cancelsInTime(requestedAt: Date, periodEnd: Date): boolean {
  return requestedAt.getTime() <= periodEnd.getTime() - DAY_MS;
}

/** Moves the state to `now`: ends trials, renews binding periods, applies cancellations. */
export function advancePeriod(state: PeriodState, now: Date): PeriodState {
  let s = { ...state };
  while (
    (s.status === 'trialing' || s.status === 'active') &&
    now.getTime() >= s.currentPeriodEnd.getTime()
  ) {
    const end = s.currentPeriodEnd;
    if (
      s.cancelAtPeriodEnd &&
      s.canceledAt &&
      (s.status === 'trialing' || cancelsInTime(s.canceledAt, end))
    ) {
      return { ...s, status: 'canceled', cancelAtPeriodEnd: false };
    }
    s = {
      ...s,
      status: 'active',
      currentPeriodStart: end,
      currentPeriodEnd: addMonths(end, PERIOD_MONTHS[s.period]),
    };
  }
  return s;
}

/** Cancels at the end of the binding period (or of the trial); never refunds. */
export function requestCancel(state: PeriodState, now: Date): PeriodState {
  if (state.status === 'canceled' || state.cancelAtPeriodEnd) return state;
  return { ...state, cancelAtPeriodEnd: true, canceledAt: now };
}

/** When the customer loses access; null while the subscription simply renews. */
export function accessEndsAt(state: PeriodState): Date | null {
  if (state.status === 'canceled') return state.currentPeriodEnd;
  if (!state.cancelAtPeriodEnd || !state.canceledAt) return null;
  if (state.status === 'trialing' || cancelsInTime(state.canceledAt, state.currentPeriodEnd)) {
    return state.currentPeriodEnd;
  }
  // Asked for on the last day: the period renewed first, so access runs one more period.
  return addMonths(state.currentPeriodEnd, PERIOD_MONTHS[state.period]);
}
