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

@ObjectType('ConsistencyProof', {
  description:
    'RFC 9162 proof that the log at secondSize is an append-only extension of the log at firstSize.',
})
export class ConsistencyProofOutput {
  @Field(() => Int) firstSize!: number;
  @Field(() => Int) secondSize!: number;
  @Field(() => [String], { description: 'Hex SHA-256 node hashes.' }) path!: string[];
  @Field(() => TreeHeadOutput, {
    nullable: true,
    description: 'The signed head at firstSize, if one was signed at that size.',
  })
  firstTreeHead!: TreeHeadOutput | null;
  @Field(() => TreeHeadOutput, { nullable: true }) secondTreeHead!: TreeHeadOutput | null;
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

  @Query(() => ConsistencyProofOutput, {
    description:
      'Proof that the log only grew between two sizes; secondSize defaults to the latest signed head.',
  })
  async consistencyProof(
    @Scope() scope: RequestScope,
    @Args('firstSize', { type: () => Int }) firstSize: number,
    @Args('secondSize', { type: () => Int, nullable: true }) secondSize?: number | null,
  ): Promise<ConsistencyProofOutput> {
    const proof = await this.evidenceLog.consistencyProof(
      scope.tenant,
      firstSize,
      secondSize ?? undefined,
    );
    return {
      ...proof,
      firstTreeHead: proof.firstTreeHead && toHead(proof.firstTreeHead),
      secondTreeHead: proof.secondTreeHead && toHead(proof.secondTreeHead),
    };
  }
}
