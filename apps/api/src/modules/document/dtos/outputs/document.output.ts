import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from '../../../../common/json.scalar';

@ObjectType('PlaceholderFound')
export class PlaceholderOutput {
  @Field({ description: 'As written: {{client.name}} or #CLIENT_NAME#.' }) raw!: string;
  @Field(() => String, { nullable: true }) path!: string | null;
  @Field() known!: boolean;
  @Field(() => Int, { nullable: true }) line?: number;
  @Field(() => String, { nullable: true }) context?: string;
  @Field(() => String, { nullable: true }) message?: string;
}

@ObjectType('SuspectedBlank', {
  description: 'Text that looks like an unfilled blank, e.g. "CVR. nr.: xxx".',
})
export class SuspectedBlankOutput {
  @Field() text!: string;
  @Field(() => Int, { nullable: true }) line?: number;
  @Field(() => String, { nullable: true }) context?: string;
}

@ObjectType('ImportWarning')
export class ImportWarningOutput {
  @Field() code!: string;
  @Field() message!: string;
  @Field(() => Int, { nullable: true }) line?: number;
}

@ObjectType('Subprocessor')
export class SubprocessorOutput {
  @Field() name!: string;
  @Field() location!: string;
  @Field(() => String, { nullable: true }) legalBasis?: string;
  @Field() purpose!: string;
}

@ObjectType('DocumentVersion')
export class DocumentVersionOutput {
  @Field(() => ID) id!: string;
  @Field(() => ID) documentId!: string;
  @Field({ description: 'draft, published or retired' }) status!: string;
  @Field(() => Int, { nullable: true, description: 'Set when published.' }) version!: number | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the frozen content.' })
  contentHash!: string | null;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
  @Field(() => Date, { nullable: true }) retiredAt!: Date | null;
  @Field() sourceFormat!: string;
  @Field(() => [PlaceholderOutput]) placeholders!: PlaceholderOutput[];
  @Field(() => [SuspectedBlankOutput]) suspectedBlanks!: SuspectedBlankOutput[];
  @Field(() => [ImportWarningOutput]) warnings!: ImportWarningOutput[];
  @Field(() => [SubprocessorOutput]) subprocessors!: SubprocessorOutput[];
  @Field(() => [String], {
    nullable: true,
    description: 'Value paths every rendering must supply.',
  })
  requiredValues!: string[] | null;
  @Field(() => GraphQLJSONObject, { description: 'The sanitised document model.' }) model!: Record<
    string,
    unknown
  >;
  @Field() createdAt!: Date;
}

@ObjectType('Document')
export class DocumentOutput {
  @Field(() => ID) id!: string;
  @Field({ description: 'dpa or terms' }) kind!: string;
  @Field() title!: string;
  @Field(() => [DocumentVersionOutput], { description: 'Newest first.' })
  versions!: DocumentVersionOutput[];
}

@ObjectType('DocumentImport')
export class DocumentImportOutput {
  @Field(() => DocumentVersionOutput, { description: 'The new draft.' })
  version!: DocumentVersionOutput;
  @Field(() => [PlaceholderOutput], {
    description: 'Unknown or undeclared: publishing refuses these.',
  })
  unknownPlaceholders!: PlaceholderOutput[];
}

@ObjectType('DocumentPreview')
export class DocumentPreviewOutput {
  @Field({ description: 'HTML fragment; every value escaped.' }) html!: string;
  @Field({ description: 'The same rendering as plain text.' }) text!: string;
}

@ObjectType('DocumentPdf')
export class DocumentPdfOutput {
  @Field(() => ID) id!: string;
  @Field({ description: 'pending, ready or failed' }) status!: string;
  @Field(() => Int, { nullable: true }) byteSize!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field({ description: 'GET with the secret key once ready.' }) downloadPath!: string;
}
