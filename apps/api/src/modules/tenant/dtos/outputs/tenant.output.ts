import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum LocaleEnum {
  da = 'da',
  en = 'en',
}
registerEnumType(LocaleEnum, {
  name: 'Locale',
  description: 'Language of the widget and documents.',
});

@ObjectType('Tenant', { description: 'A vendor (processor, databehandler) using Aftale.' })
export class TenantOutput {
  @Field(() => ID) id!: string;
  @Field() slug!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) legalName!: string | null;
  @Field(() => String, { nullable: true, description: 'Danish company number, 8 digits.' }) cvr!:
    string | null;
  @Field(() => String, { nullable: true }) addressLine!: string | null;
  @Field(() => String, { nullable: true }) postalCode!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field() country!: string;
  @Field(() => String, { nullable: true }) contactName!: string | null;
  @Field(() => String, { nullable: true }) contactEmail!: string | null;
  @Field(() => [String], { description: 'Origins allowed to embed the sign-up widget.' })
  allowedOrigins!: string[];
  @Field(() => LocaleEnum) defaultLocale!: LocaleEnum;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}
