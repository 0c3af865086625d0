import type { PlanWithVersion, SubscriptionView } from '@aftale/server';
import type { PlanOutput, SubscriptionOutput } from './dtos/outputs/plan.output';

export function toPlanOutput({ plan, version }: PlanWithVersion): PlanOutput {
  const d = version.definition;
  return {
    id: plan.id,
    code: plan.code,
    version: version.version,
    versionId: version.id,
    name: d.name,
    description: d.description,
    modules: d.modules,
    currency: d.currency,
    pricesIncludeVat: d.pricesIncludeVat,
    vatRateBasisPoints: d.vatRateBasisPoints,
    baseAmount: d.baseAmount,
    tiers: d.tiers,
    minUsers: d.minUsers,
    maxUsers: d.maxUsers,
    trialDays: d.trialDays,
    periods: d.periods,
    archived: plan.archived,
    inUse: version.inUse,
  };
}

export function toSubscriptionOutput(s: SubscriptionView): SubscriptionOutput {
  return s as unknown as SubscriptionOutput;
}

/** GraphQL hands input objects with a null prototype and explicit nulls; the domain wants plain JSON. */
export function plain<T>(input: T): unknown {
  return JSON.parse(JSON.stringify(input));
}
