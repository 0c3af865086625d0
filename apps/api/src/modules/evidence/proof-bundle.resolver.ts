import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ProofBundleService, type AppConfig } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { APP_CONFIG } from '../../common/tokens';
import { ProofBundleOutput, toProofBundleOutput } from './dtos/outputs/proof-bundle.output';

@Resolver(() => ProofBundleOutput)
export class ProofBundleResolver {
  constructor(
    private readonly bundles: ProofBundleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Mutation(() => ProofBundleOutput, {
    description:
      'Asks for the proof bundle of an acceptance; the worker builds it within seconds. Asking again returns the same bundle.',
  })
  async requestProofBundle(
    @Scope() scope: RequestScope,
    @Args('acceptanceId', { type: () => ID }) acceptanceId: string,
  ): Promise<ProofBundleOutput> {
    const row = await this.bundles.request(scope.tenant, acceptanceId);
    return toProofBundleOutput(row, this.config.http.publicUrl);
  }

  @Query(() => ProofBundleOutput)
  async proofBundle(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ProofBundleOutput> {
    return toProofBundleOutput(
      await this.bundles.get(scope.tenant, id),
      this.config.http.publicUrl,
    );
  }
}
