import { Field, InputType } from '@nestjs/graphql';
import { LocaleEnum } from '../outputs/tenant.output';

/** Validated by the domain's tenant schema; errors name the field (input.cvr, …). */
@InputType()
export class UpdateTenantInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) legalName?: string;
  @Field({ nullable: true }) cvr?: string;
  @Field({ nullable: true }) addressLine?: string;
  @Field({ nullable: true }) postalCode?: string;
  @Field({ nullable: true }) city?: string;
  @Field({ nullable: true }) country?: string;
  @Field({ nullable: true }) contactName?: string;
  @Field({ nullable: true }) contactEmail?: string;
  @Field(() => [String], { nullable: true }) allowedOrigins?: string[];
  @Field(() => LocaleEnum, { nullable: true }) defaultLocale?: LocaleEnum;
}
