import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ApiKeyService } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { ApiKeyOutput, CreatedApiKeyOutput } from './dtos/outputs/api-key.output';
import { CreateApiKeyInput } from './dtos/inputs/create-api-key.input';

@Resolver(() => ApiKeyOutput)
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Query(() => [ApiKeyOutput])
  async apiKeys(@Scope() scope: RequestScope): Promise<ApiKeyOutput[]> {
    return (await this.keys.list(scope.tenant)) as ApiKeyOutput[];
  }

  @Mutation(() => CreatedApiKeyOutput)
  async createApiKey(
    @Scope() scope: RequestScope,
    @Args('input') input: CreateApiKeyInput,
  ): Promise<CreatedApiKeyOutput> {
    const created = await this.keys.create(
      scope.tenant,
      {
        kind: input.kind,
        mode: input.mode,
        ...(input.name !== undefined ? { name: input.name } : {}),
      },
      scope.actor,
      scope.requestId,
    );
    return { apiKey: created.key as ApiKeyOutput, plaintext: created.plaintext };
  }

  @Mutation(() => ApiKeyOutput, {
    description: 'Revokes a key at once. Revoking twice is harmless.',
  })
  async revokeApiKey(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApiKeyOutput> {
    return (await this.keys.revoke(scope.tenant, id, scope.actor, scope.requestId)) as ApiKeyOutput;
  }
}
