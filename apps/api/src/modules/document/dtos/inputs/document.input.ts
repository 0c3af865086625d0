import { Field, InputType, Int } from '@nestjs/graphql';

@InputType()
export class CustomFieldInput {
  @Field({ description: 'e.g. subdomain, used as {{custom.subdomain}}' }) key!: string;
  @Field() label!: string;
  @Field({ description: 'text, email, url, cvr, number or regex' }) kind!: string;
  @Field({ nullable: true, description: 'For kind regex.' }) pattern?: string;
  @Field(() => Int, { nullable: true }) maxLength?: number;
  @Field({ nullable: true }) required?: boolean;
}

@InputType()
export class ImportDocumentInput {
  @Field({ description: 'dpa or terms' }) kind!: string;
  @Field({ description: 'text, markdown, html or docx' }) format!: string;
  @Field({ nullable: true, description: 'The file as text (text, markdown, html).' })
  content?: string;
  @Field({ nullable: true, description: 'The file as base64 (required for docx).' })
  contentBase64?: string;
  @Field({ nullable: true }) title?: string;
  @Field({ nullable: true, description: 'Original file name, for the record.' })
  sourceName?: string;
  @Field(() => [CustomFieldInput], { nullable: true }) customFields?: CustomFieldInput[];
}

@InputType()
export class SubprocessorInput {
  @Field() name!: string;
  @Field() location!: string;
  @Field({ nullable: true }) legalBasis?: string;
  @Field() purpose!: string;
}

@InputType()
export class UpdateDocumentDraftInput {
  @Field(() => [SubprocessorInput], { nullable: true }) subprocessors?: SubprocessorInput[];
  @Field(() => [CustomFieldInput], { nullable: true }) customFields?: CustomFieldInput[];
}
