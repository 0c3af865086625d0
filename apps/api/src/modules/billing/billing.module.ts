import { Module } from '@nestjs/common';
import { PlanResolver } from './plan.resolver';
import { SubscriptionResolver } from './subscription.resolver';
import { StripeWebhookController } from './stripe-webhook.controller';

@Module({ providers: [PlanResolver, SubscriptionResolver], controllers: [StripeWebhookController] })
export class BillingModule {}
