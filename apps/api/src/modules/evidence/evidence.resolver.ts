import { Args, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { EvidenceLogService } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';

@ObjectType('TreeHead', {
  description: "A signed head of the tenant's evidence log (RFC 6962 Merkle tree).",
})
export class TreeHeadOutput {
  @Field() logId!: string;
  @Field(() => Int) treeSize!: number;
  @Field() rootHash!: string;
  @Field({ description: 'Milliseconds since the epoch, as a string.' }) timestamp!: string;
  @Field() keyId!: string;
  @Field({ description: 'Ed25519, base64.' }) signature!: string;
}

@ObjectType('InclusionProof')
export class InclusionProofOutput {
  @Field(() => Int) leafIndex!: number;
  @Field() leafHash!: string;
  @Field(() => [String]) auditPath!: string[];
  @Field(() => TreeHeadOutput) treeHead!: TreeHeadOutput;
}

const toHead = (h: {
  logId: string;
  treeSize: number;
  rootHash: string;
  timestamp: number;
  keyId: string;
  signature: string;
}): TreeHeadOutput => ({
  ...h,
  timestamp: String(h.timestamp),
});

@Resolver(() => TreeHeadOutput)
export class EvidenceResolver {
  constructor(private readonly evidenceLog: EvidenceLogService) {}

  @Query(() => [TreeHeadOutput], { description: 'Newest first.' })
  async treeHeads(
    @Scope() scope: RequestScope,
    @Args('limit', { type: () => Int, defaultValue: 20 }) limit: number,
  ): Promise<TreeHeadOutput[]> {
    return (await this.evidenceLog.treeHeads(scope.tenant, limit)).map(toHead);
  }

  @Query(() => InclusionProofOutput, {
    description: 'Proof that an acceptance sits unaltered in the log.',
  })
  async inclusionProof(
    @Scope() scope: RequestScope,
    @Args('acceptanceId', { type: () => ID }) acceptanceId: string,
  ): Promise<InclusionProofOutput> {
    const proof = await this.evidenceLog.inclusionProof(scope.tenant, acceptanceId);
    return { ...proof, treeHead: toHead(proof.treeHead) };
  }
}
