import { Module } from '@nestjs/common';
import { PublicWidgetController } from './public-widget.controller';
import { WidgetAssetsController } from './widget-assets.controller';
import { WidgetAccess } from './widget-access';

@Module({
  providers: [WidgetAccess],
  controllers: [PublicWidgetController, WidgetAssetsController],
})
export class PublicWidgetModule {}
