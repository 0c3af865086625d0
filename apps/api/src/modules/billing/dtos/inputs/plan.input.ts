import { Field, InputType, Int } from '@nestjs/graphql';

@InputType()
export class PriceTierInput {
  @Field(() => Int, { nullable: true }) upTo?: number | null;
  @Field(() => Int) unitAmount!: number;
}

@InputType()
export class PeriodOptionInput {
  @Field() period!: string;
  @Field(() => Int, { nullable: true }) discountBasisPoints?: number;
}

/** Validated by the pricing engine's plan schema; errors name the field (input.tiers.1.upTo, …). */
@InputType()
export class PlanInput {
  @Field() name!: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => [String], { nullable: true }) modules?: string[];
  @Field({ nullable: true }) currency?: string;
  @Field() pricesIncludeVat!: boolean;
  @Field(() => Int, { nullable: true }) vatRateBasisPoints?: number;
  @Field(() => Int) baseAmount!: number;
  @Field(() => [PriceTierInput]) tiers!: PriceTierInput[];
  @Field(() => Int, { nullable: true }) minUsers?: number;
  @Field(() => Int, { nullable: true }) maxUsers?: number;
  @Field(() => Int, { nullable: true }) trialDays?: number;
  @Field(() => [PeriodOptionInput], { nullable: true }) periods?: PeriodOptionInput[];
}

@InputType()
export class CreatePlanInput extends PlanInput {
  @Field() code!: string;
}

@InputType()
export class CustomerInput {
  @Field() companyName!: string;
  @Field({ nullable: true }) cvr?: string;
  @Field() email!: string;
}

@InputType()
export class CreateSubscriptionInput {
  @Field() planCode!: string;
  @Field(() => Int) users!: number;
  @Field() period!: string;
  @Field({
    description:
      'Your checkout attempt id: a retry with the same key returns the same subscription.',
  })
  idempotencyKey!: string;
  @Field(() => CustomerInput) customer!: CustomerInput;
}
