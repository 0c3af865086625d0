import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from '../../../../common/json.scalar';

@ObjectType('AcceptedDocument')
export class AcceptedDocumentOutput {
  @Field() kind!: string;
  @Field(() => ID) versionId!: string;
  @Field({ description: 'SHA-256 of the exact HTML the customer was shown.' }) htmlSha256!: string;
}

@ObjectType('Acceptance', {
  description: 'An accepted sign-up: append-only evidence of who agreed to what, when.',
})
export class AcceptanceOutput {
  @Field(() => ID) id!: string;
  @Field() source!: string;
  @Field(() => ID, { nullable: true }) subscriptionId!: string | null;
  @Field() companyCvr!: string;
  @Field(() => GraphQLJSONObject) company!: Record<string, unknown>;
  @Field(() => GraphQLJSONObject, { description: 'The evidence record (canonical JSON, hashed).' })
  evidence!: Record<string, unknown>;
  @Field() evidenceSha256!: string;
  @Field(() => [AcceptedDocumentOutput]) documents!: AcceptedDocumentOutput[];
  @Field() createdAt!: Date;
}

@ObjectType('AcceptancePage')
export class AcceptancePageOutput {
  @Field(() => [AcceptanceOutput]) nodes!: AcceptanceOutput[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;
  @Field() hasNextPage!: boolean;
}

@ObjectType('CustomerAcceptanceStatus', {
  description: 'Per customer: has it accepted the current DPA and terms?',
})
export class CustomerAcceptanceStatusOutput {
  @Field() cvr!: string;
  @Field() companyName!: string;
  @Field(() => ID) lastAcceptanceId!: string;
  @Field() lastAcceptedAt!: Date;
  @Field() acceptedCurrent!: boolean;
}
