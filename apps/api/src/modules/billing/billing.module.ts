import { Module } from '@nestjs/common';
import { PlanResolver } from './plan.resolver';
import { SubscriptionResolver } from './subscription.resolver';

@Module({ providers: [PlanResolver, SubscriptionResolver] })
export class BillingModule {}
