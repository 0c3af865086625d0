import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PriceTier', {
  description: 'Graduated per-user price: users up to upTo (null: all above) pay unitAmount.',
})
export class PriceTierOutput {
  @Field(() => Int, { nullable: true }) upTo!: number | null;
  @Field(() => Int, { description: 'Minor units (øre) per user per month.' }) unitAmount!: number;
}

@ObjectType('PeriodOption')
export class PeriodOptionOutput {
  @Field() period!: string;
  @Field(() => Int) discountBasisPoints!: number;
}

@ObjectType('Plan', { description: "A plan in the vendor's catalog, at its current version." })
export class PlanOutput {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field(() => Int) version!: number;
  @Field(() => ID) versionId!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => [String]) modules!: string[];
  @Field() currency!: string;
  @Field() pricesIncludeVat!: boolean;
  @Field(() => Int) vatRateBasisPoints!: number;
  @Field(() => Int, { description: 'Minor units per month.' }) baseAmount!: number;
  @Field(() => [PriceTierOutput]) tiers!: PriceTierOutput[];
  @Field(() => Int) minUsers!: number;
  @Field(() => Int) maxUsers!: number;
  @Field(() => Int) trialDays!: number;
  @Field(() => [PeriodOptionOutput]) periods!: PeriodOptionOutput[];
  @Field() archived!: boolean;
  @Field({
    description: 'True once a subscription uses this version: changes then make a new version.',
  })
  inUse!: boolean;
}

@ObjectType('QuoteLine')
export class QuoteLineOutput {
  @Field() kind!: string;
  @Field(() => Int, { nullable: true }) fromUser!: number | null;
  @Field(() => Int, { nullable: true }) toUser!: number | null;
  @Field(() => Int) quantity!: number;
  @Field(() => Int) unitAmount!: number;
  @Field(() => Int) months!: number;
  @Field(() => Int) amount!: number;
}

@ObjectType('Quote', { description: 'A price quote; all amounts are integer minor units (øre).' })
export class QuoteOutput {
  @Field() planCode!: string;
  @Field() currency!: string;
  @Field() period!: string;
  @Field(() => Int) months!: number;
  @Field(() => Int) users!: number;
  @Field(() => [QuoteLineOutput]) lines!: QuoteLineOutput[];
  @Field(() => Int) listAmount!: number;
  @Field(() => Int) discountAmount!: number;
  @Field(() => Int) subtotalExclVat!: number;
  @Field(() => Int) vat!: number;
  @Field(() => Int) totalInclVat!: number;
  @Field(() => Int) monthlyEquivalentInclVat!: number;
  @Field() startsAt!: string;
  @Field(() => String, { nullable: true }) trialEndsAt!: string | null;
  @Field() firstChargeAt!: string;
}

@ObjectType('Subscription')
export class SubscriptionOutput {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => ID) planVersionId!: string;
  @Field() provider!: string;
  @Field({ description: 'trialing, active, past_due, canceled or paused' }) status!: string;
  @Field(() => Int) users!: number;
  @Field() period!: string;
  @Field(() => QuoteOutput) quote!: QuoteOutput;
  @Field(() => Date, { nullable: true }) trialEndsAt!: Date | null;
  @Field() currentPeriodStart!: Date;
  @Field() currentPeriodEnd!: Date;
  @Field() cancelAtPeriodEnd!: boolean;
  @Field(() => Date, {
    nullable: true,
    description: 'When the customer loses access; null while it renews.',
  })
  accessEndsAt!: Date | null;
  @Field() createdAt!: Date;
}
