import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from '../../../../common/json.scalar';

@ObjectType('AuditEvent', { description: 'An administrative action, append-only.' })
export class AuditEventOutput {
  @Field(() => ID) id!: string;
  @Field({ description: 'api-key:<id>, cli or system.' }) actor!: string;
  @Field({ description: 'e.g. tenant.updated, api_key.revoked' }) action!: string;
  @Field(() => String, { nullable: true }) targetType!: string | null;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => GraphQLJSONObject) details!: Record<string, unknown>;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field() createdAt!: Date;
}
