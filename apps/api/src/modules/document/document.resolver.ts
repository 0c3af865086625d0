import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AftaleError } from '@aftale/domain';
import { DocumentService } from '@aftale/server';
import { Scope, type RequestScope } from '../../common/request-auth';
import { GraphQLJSONObject } from '../../common/json.scalar';
import {
  DocumentImportOutput,
  DocumentOutput,
  DocumentPdfOutput,
  DocumentPreviewOutput,
  DocumentVersionOutput,
} from './dtos/outputs/document.output';
import { ImportDocumentInput, UpdateDocumentDraftInput } from './dtos/inputs/document.input';
import { toCustomFields, toPdfOutput, toVersionOutput } from './document.mappers';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

@Resolver(() => DocumentOutput)
export class DocumentResolver {
  constructor(private readonly documentService: DocumentService) {}

  @Query(() => [DocumentOutput])
  async documents(@Scope() scope: RequestScope): Promise<DocumentOutput[]> {
    const all = await this.documentService.list(scope.tenant);
    return all.map(({ document, versions }) => ({
      id: document.id,
      kind: document.kind,
      title: document.title,
      versions: versions.map(toVersionOutput),
    }));
  }

  @Query(() => DocumentVersionOutput)
  async documentVersion(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DocumentVersionOutput> {
    return toVersionOutput(await this.documentService.version(scope.tenant, id));
  }

  @Mutation(() => DocumentImportOutput, {
    description: 'Imports a DPA or terms file as the new draft and reports what it found.',
  })
  async importDocument(
    @Scope() scope: RequestScope,
    @Args('input') input: ImportDocumentInput,
  ): Promise<DocumentImportOutput> {
    let content: string | Uint8Array;
    if (input.contentBase64 != null) {
      if (!BASE64.test(input.contentBase64))
        throw AftaleError.field('input.contentBase64', 'is not base64');
      content = Buffer.from(input.contentBase64, 'base64');
    } else if (input.content != null) {
      content = input.content;
    } else {
      throw AftaleError.field(
        'input.content',
        'send the file as content (text) or contentBase64 (any format, docx)',
      );
    }
    const customFields = toCustomFields(input.customFields);
    const imported = await this.documentService.import(
      scope.tenant,
      {
        kind: input.kind,
        format: input.format,
        ...(input.title != null ? { title: input.title } : {}),
        ...(input.sourceName != null ? { sourceName: input.sourceName } : {}),
        ...(customFields !== undefined ? { customFields } : {}),
      },
      content,
      scope.actor,
    );
    return {
      version: toVersionOutput(imported.version),
      unknownPlaceholders: imported.version.importReport.placeholders.filter((p) => !p.known),
    };
  }

  @Mutation(() => DocumentVersionOutput)
  async updateDocumentDraft(
    @Scope() scope: RequestScope,
    @Args('versionId', { type: () => ID }) versionId: string,
    @Args('input') input: UpdateDocumentDraftInput,
  ): Promise<DocumentVersionOutput> {
    const plain = JSON.parse(JSON.stringify(input)) as UpdateDocumentDraftInput;
    const customFields = toCustomFields(plain.customFields);
    return toVersionOutput(
      await this.documentService.updateDraft(
        scope.tenant,
        versionId,
        {
          ...(plain.subprocessors ? { subprocessors: plain.subprocessors } : {}),
          ...(customFields !== undefined ? { customFields } : {}),
        },
        scope.actor,
      ),
    );
  }

  @Mutation(() => DocumentVersionOutput, {
    description:
      'Freezes the draft; refused while it has unknown placeholders or suspected blanks.',
  })
  async publishDocumentVersion(
    @Scope() scope: RequestScope,
    @Args('versionId', { type: () => ID }) versionId: string,
    @Args('allowSuspectedBlanks', { defaultValue: false }) allowSuspectedBlanks: boolean,
  ): Promise<DocumentVersionOutput> {
    return toVersionOutput(
      await this.documentService.publish(scope.tenant, versionId, scope.actor, {
        allowSuspectedBlanks,
      }),
    );
  }

  @Mutation(() => DocumentVersionOutput)
  async retireDocumentVersion(
    @Scope() scope: RequestScope,
    @Args('versionId', { type: () => ID }) versionId: string,
  ): Promise<DocumentVersionOutput> {
    return toVersionOutput(await this.documentService.retire(scope.tenant, versionId, scope.actor));
  }

  @Query(() => DocumentPreviewOutput, {
    description: 'Renders a version; without values, with sample values.',
  })
  async previewDocument(
    @Scope() scope: RequestScope,
    @Args('versionId', { type: () => ID }) versionId: string,
    @Args('values', { type: () => GraphQLJSONObject, nullable: true })
    values?: Record<string, unknown>,
  ): Promise<DocumentPreviewOutput> {
    const rendered = await this.documentService.render(
      scope.tenant,
      versionId,
      values ?? undefined,
    );
    return { html: rendered.html, text: rendered.text };
  }

  @Mutation(() => DocumentPdfOutput, {
    description: 'Queues a PDF of the rendering (cached by version and values).',
  })
  async requestDocumentPdf(
    @Scope() scope: RequestScope,
    @Args('versionId', { type: () => ID }) versionId: string,
    @Args('values', { type: () => GraphQLJSONObject }) values: Record<string, unknown>,
  ): Promise<DocumentPdfOutput> {
    return toPdfOutput(await this.documentService.requestPdf(scope.tenant, versionId, values));
  }

  @Query(() => DocumentPdfOutput)
  async documentPdf(
    @Scope() scope: RequestScope,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DocumentPdfOutput> {
    return toPdfOutput((await this.documentService.pdf(scope.tenant, id)).row);
  }
}
