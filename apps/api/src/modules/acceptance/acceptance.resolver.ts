import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from '../../common/json.scalar';
import { AcceptanceService, type AcceptanceEntity } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import {
  AcceptanceOutput,
  AcceptancePageOutput,
  CustomerAcceptanceStatusOutput,
} from './dtos/outputs/acceptance.output';

@Resolver(() => AcceptanceOutput)
export class AcceptanceResolver {
  constructor(private readonly acceptanceService: AcceptanceService) {}

  private async output(scope: RequestScope, row: AcceptanceEntity): Promise<AcceptanceOutput> {
    const documents = await this.acceptanceService.documentsOf(scope.tenant, row.id);
    return {
      id: row.id,
      source: row.source,
      subscriptionId: row.subscriptionId,
      companyCvr: row.companyCvr,
      company: row.company,
      evidence: row.evidence,
      evidenceSha256: row.evidenceSha256,
      documents: documents.map((d) => ({
        kind: d.kind,
        versionId: d.versionId,
        htmlSha256: d.htmlSha256,
      })),
      createdAt: row.createdAt,
    };
  }

  @Query(() => [AcceptanceOutput], {
    description: 'Newest first.',
    complexity: ({ args, childComplexity }) => (Number(args.limit) || 50) * childComplexity,
  })
  async acceptances(
    @Scope() scope: RequestScope,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
  ): Promise<AcceptanceOutput[]> {
    const rows = await this.acceptanceService.list(scope.tenant, limit);
    return Promise.all(rows.map((r) => this.output(scope, r)));
  }

  @Query(() => AcceptanceOutput)
  async acceptance(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AcceptanceOutput> {
    return this.output(scope, await this.acceptanceService.get(scope.tenant, id));
  }

  @Query(() => AcceptanceOutput, {
    description:
      'Checks the token the widget handed to your page (aftale:accepted event) and returns that acceptance. Call it from your backend with your secret key.',
  })
  async verifyAcceptanceToken(
    @Scope() scope: RequestScope,
    @Args('token') token: string,
  ): Promise<AcceptanceOutput> {
    return this.output(scope, await this.acceptanceService.verifyToken(scope.tenant, token));
  }

  @Query(() => AcceptancePageOutput, {
    description: 'Newest first, by cursor, with filters (dates are ISO 8601).',
    complexity: ({ args, childComplexity }) => (Number(args.first) || 50) * childComplexity,
  })
  async acceptancePage(
    @Scope() scope: RequestScope,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { nullable: true }) after?: string,
    @Args('from', { nullable: true }) from?: Date,
    @Args('to', { nullable: true }) to?: Date,
    @Args('cvr', { nullable: true }) cvr?: string,
    @Args('planCode', { nullable: true }) planCode?: string,
    @Args('documentVersionId', { type: () => ID, nullable: true }) documentVersionId?: string,
  ): Promise<AcceptancePageOutput> {
    const page = await this.acceptanceService.page(scope.tenant, {
      first,
      ...(after ? { after } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(cvr ? { cvr } : {}),
      ...(planCode ? { planCode } : {}),
      ...(documentVersionId ? { documentVersionId } : {}),
    });
    return {
      nodes: await Promise.all(page.rows.map((r) => this.output(scope, r))),
      endCursor: page.endCursor,
      hasNextPage: page.hasNextPage,
    };
  }

  @Query(() => [CustomerAcceptanceStatusOutput], {
    description: 'Every customer, and whether its last acceptance covers the current versions.',
  })
  async customerAcceptanceStatus(
    @Scope() scope: RequestScope,
  ): Promise<CustomerAcceptanceStatusOutput[]> {
    return this.acceptanceService.customerStatus(scope.tenant);
  }

  @Mutation(() => AcceptanceOutput, {
    description:
      "Headless mode: your own checkout records an acceptance with your secret key. Send the end user's IP and user agent; the evidence marks them as reported by you.",
  })
  async recordAcceptance(
    @Scope() scope: RequestScope,
    @Args('idempotencyKey') idempotencyKey: string,
    @Args('endUserIp') endUserIp: string,
    @Args('endUserAgent') endUserAgent: string,
    @Args('acceptance', {
      type: () => GraphQLJSONObject,
      description: 'As the widget sends it (WidgetAcceptanceRequest).',
    })
    acceptance: Record<string, unknown>,
  ): Promise<AcceptanceOutput> {
    const made = await this.acceptanceService.accept(
      scope.tenant,
      acceptance,
      {
        idempotencyKey,
        ip: endUserIp.slice(0, 64),
        ipSource: 'vendor-reported',
        userAgent: endUserAgent,
        origin: null,
      },
      scope.actor,
      'api',
    );
    return this.output(scope, await this.acceptanceService.get(scope.tenant, made.acceptanceId));
  }
}
