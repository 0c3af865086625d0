import { Module } from '@nestjs/common';
import { WidgetResolver } from './widget.resolver';

@Module({ providers: [WidgetResolver] })
export class WidgetModule {}
