import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { AcceptanceService, type AcceptanceEntity } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { AcceptanceOutput } from './dtos/outputs/acceptance.output';

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
}
