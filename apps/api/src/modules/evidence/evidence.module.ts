import { Module } from '@nestjs/common';
import { EvidenceResolver } from './evidence.resolver';
import { WellKnownController } from './well-known.controller';

@Module({ providers: [EvidenceResolver], controllers: [WellKnownController] })
export class EvidenceModule {}
