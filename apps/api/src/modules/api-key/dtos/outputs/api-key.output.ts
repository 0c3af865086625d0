import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ApiKeyKindEnum {
  secret = 'secret',
  publishable = 'publishable',
}
export enum ApiKeyModeEnum {
  live = 'live',
  test = 'test',
}
registerEnumType(ApiKeyKindEnum, {
  name: 'ApiKeyKind',
  description: 'secret (sk_…, server only) or publishable (pk_…, widget).',
});
registerEnumType(ApiKeyModeEnum, { name: 'ApiKeyMode' });

@ObjectType('ApiKey', {
  description: 'An API key. Only its last 4 characters are ever shown again.',
})
export class ApiKeyOutput {
  @Field(() => ID) id!: string;
  @Field(() => ApiKeyKindEnum) kind!: ApiKeyKindEnum;
  @Field(() => ApiKeyModeEnum) mode!: ApiKeyModeEnum;
  @Field() name!: string;
  @Field() last4!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyOutput {
  @Field(() => ApiKeyOutput) apiKey!: ApiKeyOutput;
  @Field({ description: 'The key itself. Shown this once: store it now.' }) plaintext!: string;
}
