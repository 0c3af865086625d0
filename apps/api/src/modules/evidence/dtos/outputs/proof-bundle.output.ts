import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { ProofBundleEntity } from '@aftale/server';

@ObjectType('ProofBundle', {
  description:
    'The ZIP that proves one acceptance offline (docs/proof-bundle.md). Built by the worker; download it from downloadUrl with your secret key once ready.',
})
export class ProofBundleOutput {
  @Field(() => ID) id!: string;
  @Field(() => ID) acceptanceId!: string;
  @Field({ description: 'pending, ready or failed' }) status!: string;
  @Field({ description: 'Absolute URL; send Authorization: Bearer sk_… to fetch it.' })
  downloadUrl!: string;
  @Field({ description: 'Path of downloadUrl on this API.' }) downloadPath!: string;
  @Field(() => Int, { nullable: true }) byteSize!: number | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the ZIP, hex.' }) sha256!:
    string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Size of the signed tree head the inclusion proof is against.',
  })
  treeSize!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

export function toProofBundleOutput(row: ProofBundleEntity, publicUrl: string): ProofBundleOutput {
  const downloadPath = `/proof-bundles/${row.id}`;
  return {
    id: row.id,
    acceptanceId: row.acceptanceId,
    status: row.status,
    downloadPath,
    downloadUrl: new URL(downloadPath, publicUrl).toString(),
    byteSize: row.byteSize,
    sha256: row.sha256,
    treeSize: row.treeSize,
    error: row.error,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}
