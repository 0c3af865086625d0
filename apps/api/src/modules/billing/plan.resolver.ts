import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PlanService } from '@aftale/server';
import { AllowPublishableKey, Scope, type RequestScope } from '../../common/request-auth';
import { PlanOutput, QuoteOutput } from './dtos/outputs/plan.output';
import { CreatePlanInput, PlanInput } from './dtos/inputs/plan.input';
import { plain, toPlanOutput } from './billing.mappers';

@Resolver(() => PlanOutput)
export class PlanResolver {
  constructor(private readonly planService: PlanService) {}

  @AllowPublishableKey() // the widget shows the plans with live prices
  @Query(() => [PlanOutput])
  async plans(
    @Scope() scope: RequestScope,
    @Args('includeArchived', { defaultValue: false }) includeArchived: boolean,
  ): Promise<PlanOutput[]> {
    const all = await this.planService.list(
      scope.tenant,
      scope.auth.kind === 'secret' && includeArchived,
    );
    return all.map(toPlanOutput);
  }

  @AllowPublishableKey()
  @Query(() => QuoteOutput)
  async quote(
    @Scope() scope: RequestScope,
    @Args('planCode') planCode: string,
    @Args('users', { type: () => Int }) users: number,
    @Args('period', { defaultValue: 'month' }) period: string,
  ): Promise<QuoteOutput> {
    return this.planService.quote(scope.tenant, planCode, users, period);
  }

  @Mutation(() => PlanOutput)
  async createPlan(
    @Scope() scope: RequestScope,
    @Args('input') input: CreatePlanInput,
  ): Promise<PlanOutput> {
    return toPlanOutput(await this.planService.create(scope.tenant, plain(input), scope.actor));
  }

  @Mutation(() => PlanOutput, {
    description: 'A plan version in use is never changed: this then makes a new version.',
  })
  async updatePlan(
    @Scope() scope: RequestScope,
    @Args('code') code: string,
    @Args('input') input: PlanInput,
  ): Promise<PlanOutput> {
    return toPlanOutput(
      await this.planService.update(scope.tenant, code, plain(input), scope.actor),
    );
  }

  @Mutation(() => PlanOutput)
  async archivePlan(@Scope() scope: RequestScope, @Args('code') code: string): Promise<PlanOutput> {
    return toPlanOutput(await this.planService.archive(scope.tenant, code, scope.actor));
  }
}
