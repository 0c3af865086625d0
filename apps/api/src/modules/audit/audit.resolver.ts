import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { AftaleError } from '@aftale/domain';
import { AuditService } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { AuditEventOutput } from './dtos/outputs/audit-event.output';

@Resolver(() => AuditEventOutput)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => [AuditEventOutput], {
    description: 'Newest first.',
    complexity: ({ args, childComplexity }) => (Number(args.limit) || 50) * childComplexity,
  })
  async auditEvents(
    @Scope() scope: RequestScope,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
  ): Promise<AuditEventOutput[]> {
    if (limit < 1 || limit > 200) throw AftaleError.field('limit', 'must be 1-200');
    return (await this.audit.list(scope.tenant, limit)) as AuditEventOutput[];
  }
}
