import { Module } from '@nestjs/common';
import { EvidenceResolver } from './evidence.resolver';
import { ProofBundleController } from './proof-bundle.controller';
import { ProofBundleResolver } from './proof-bundle.resolver';
import { WellKnownController } from './well-known.controller';

@Module({
  providers: [EvidenceResolver, ProofBundleResolver],
  controllers: [WellKnownController, ProofBundleController],
})
export class EvidenceModule {}
