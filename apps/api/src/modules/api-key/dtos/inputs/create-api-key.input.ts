import { Field, InputType } from '@nestjs/graphql';
import { ApiKeyKindEnum, ApiKeyModeEnum } from '../outputs/api-key.output';

@InputType()
export class CreateApiKeyInput {
  @Field(() => ApiKeyKindEnum) kind!: ApiKeyKindEnum;
  @Field(() => ApiKeyModeEnum) mode!: ApiKeyModeEnum;
  @Field({ nullable: true }) name?: string;
}
