import { Module } from '@nestjs/common';
import { WebhookResolver } from './webhook.resolver';

@Module({ providers: [WebhookResolver] })
export class WebhookModule {}
