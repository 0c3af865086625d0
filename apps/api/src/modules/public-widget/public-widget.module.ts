import { Module } from '@nestjs/common';
import { PublicWidgetController } from './public-widget.controller';
import { WidgetAssetsController } from './widget-assets.controller';
import { WidgetAccess } from './widget-access';
import { CustomerCopyController } from './customer-copy.controller';

@Module({
  providers: [WidgetAccess],
  controllers: [PublicWidgetController, WidgetAssetsController, CustomerCopyController],
})
export class PublicWidgetModule {}
