import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { TenantService } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { TenantOutput } from './dtos/outputs/tenant.output';
import { UpdateTenantInput } from './dtos/inputs/update-tenant.input';

@Resolver(() => TenantOutput)
export class TenantResolver {
  constructor(private readonly tenants: TenantService) {}

  @Query(() => TenantOutput, { description: 'The tenant the secret key belongs to.' })
  async tenant(@Scope() scope: RequestScope): Promise<TenantOutput> {
    return (await this.tenants.get(scope.tenant)) as TenantOutput;
  }

  @Mutation(() => TenantOutput)
  async updateTenant(
    @Scope() scope: RequestScope,
    @Args('input') input: UpdateTenantInput,
  ): Promise<TenantOutput> {
    return (await this.tenants.update(
      scope.tenant,
      { ...input },
      scope.actor,
      scope.requestId,
    )) as TenantOutput;
  }
}
