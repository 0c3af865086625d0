import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { SubscriptionService } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { SubscriptionOutput } from './dtos/outputs/plan.output';
import { CreateSubscriptionInput } from './dtos/inputs/plan.input';
import { plain, toSubscriptionOutput } from './billing.mappers';

@Resolver(() => SubscriptionOutput)
export class SubscriptionResolver {
  constructor(private readonly subscriptionService: SubscriptionService) {}

  @Query(() => [SubscriptionOutput], { description: 'Newest first, at most 200.' })
  async subscriptions(@Scope() scope: RequestScope): Promise<SubscriptionOutput[]> {
    return (await this.subscriptionService.list(scope.tenant)).map(toSubscriptionOutput);
  }

  @Query(() => SubscriptionOutput)
  async subscription(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<SubscriptionOutput> {
    return toSubscriptionOutput(await this.subscriptionService.get(scope.tenant, id));
  }

  @Mutation(() => SubscriptionOutput)
  async createSubscription(
    @Scope() scope: RequestScope,
    @Args('input') input: CreateSubscriptionInput,
  ): Promise<SubscriptionOutput> {
    return toSubscriptionOutput(
      await this.subscriptionService.create(scope.tenant, plain(input), scope.actor),
    );
  }

  @Mutation(() => String, {
    description: 'A Stripe Checkout (setup mode) URL where the customer adds a card.',
  })
  async createPaymentSetupUrl(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
    @Args('successUrl') successUrl: string,
    @Args('cancelUrl') cancelUrl: string,
  ): Promise<string> {
    return this.subscriptionService.paymentSetupUrl(scope.tenant, id, { successUrl, cancelUrl });
  }

  @Mutation(() => SubscriptionOutput, {
    description: 'Cancels at the end of the binding period; access lasts until then.',
  })
  async cancelSubscription(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<SubscriptionOutput> {
    return toSubscriptionOutput(
      await this.subscriptionService.cancel(scope.tenant, id, scope.actor),
    );
  }
}
