import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { WebhookService, type WebhookDeliveryRow, type WebhookEndpointRow } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';

@ObjectType('WebhookEndpoint')
export class WebhookEndpointOutput {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field(() => [String], {
    description: 'acceptance.created, subscription.updated, document.published',
  })
  eventTypes!: string[];
  @Field() enabled!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType('CreatedWebhookEndpoint')
export class CreatedWebhookEndpointOutput {
  @Field(() => WebhookEndpointOutput) endpoint!: WebhookEndpointOutput;
  @Field({ description: 'whsec_… signing secret (Standard Webhooks). Shown this once.' })
  secret!: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryOutput {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field() eventType!: string;
  @Field({ description: 'pending, delivered, retrying or dead' }) status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
}

const endpointOut = (e: WebhookEndpointRow): WebhookEndpointOutput => ({
  id: e.id,
  url: e.url,
  eventTypes: e.event_types,
  enabled: e.enabled,
  createdAt: e.created_at,
});
const deliveryOut = (d: WebhookDeliveryRow): WebhookDeliveryOutput => ({
  id: d.id,
  endpointId: d.endpoint_id,
  eventType: d.event_type,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.last_status_code,
  lastError: d.last_error,
  nextAttemptAt: d.next_attempt_at,
  createdAt: d.created_at,
  deliveredAt: d.delivered_at,
});

@Resolver(() => WebhookEndpointOutput)
export class WebhookResolver {
  constructor(private readonly webhookService: WebhookService) {}

  @Query(() => [WebhookEndpointOutput])
  async webhookEndpoints(@Scope() scope: RequestScope): Promise<WebhookEndpointOutput[]> {
    return (await this.webhookService.endpoints(scope.tenant)).map(endpointOut);
  }

  @Query(() => [WebhookDeliveryOutput], { description: 'Newest first, at most 200.' })
  async webhookDeliveries(
    @Scope() scope: RequestScope,
    @Args('endpointId', { type: () => ID, nullable: true }) endpointId?: string,
  ): Promise<WebhookDeliveryOutput[]> {
    return (await this.webhookService.deliveries(scope.tenant, endpointId ?? undefined)).map(
      deliveryOut,
    );
  }

  @Mutation(() => CreatedWebhookEndpointOutput)
  async createWebhookEndpoint(
    @Scope() scope: RequestScope,
    @Args('url') url: string,
    @Args('eventTypes', { type: () => [String] }) eventTypes: string[],
  ): Promise<CreatedWebhookEndpointOutput> {
    const made = await this.webhookService.createEndpoint(
      scope.tenant,
      { url, eventTypes },
      scope.actor,
    );
    return { endpoint: endpointOut(made.endpoint), secret: made.secret };
  }

  @Mutation(() => String, {
    description: 'A new secret (shown once); the old one keeps signing alongside it for 24 hours.',
  })
  async rotateWebhookSecret(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<string> {
    return this.webhookService.rotateSecret(scope.tenant, id, scope.actor);
  }

  @Mutation(() => WebhookDeliveryOutput, {
    description: 'Sends a delivery again (e.g. a dead one, after fixing the receiver).',
  })
  async replayWebhookDelivery(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<WebhookDeliveryOutput> {
    return deliveryOut(await this.webhookService.replay(scope.tenant, id, scope.actor));
  }
}
