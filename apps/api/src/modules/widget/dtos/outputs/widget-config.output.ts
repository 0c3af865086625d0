import { Field, ObjectType } from '@nestjs/graphql';
import { LocaleEnum } from '../../../tenant/dtos/outputs/tenant.output';

@ObjectType('WidgetConfig', { description: 'What the sign-up widget may know about the vendor.' })
export class WidgetConfigOutput {
  @Field() vendorName!: string;
  @Field(() => String, { nullable: true }) vendorLegalName!: string | null;
  @Field(() => LocaleEnum) defaultLocale!: LocaleEnum;
}
