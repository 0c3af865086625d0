import { Module } from '@nestjs/common';
import { AcceptanceResolver } from './acceptance.resolver';

@Module({ providers: [AcceptanceResolver] })
export class AcceptanceModule {}
