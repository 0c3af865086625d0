import type { DocumentPdfEntity, DocumentVersionEntity } from '@aftale/server';
import type { DocumentPdfOutput, DocumentVersionOutput } from './dtos/outputs/document.output';
import type { CustomFieldInput } from './dtos/inputs/document.input';

export function toVersionOutput(v: DocumentVersionEntity): DocumentVersionOutput {
  return {
    id: v.id,
    documentId: v.documentId,
    status: v.status,
    version: v.version,
    contentHash: v.contentHash,
    publishedAt: v.publishedAt,
    retiredAt: v.retiredAt,
    sourceFormat: v.sourceFormat,
    placeholders: v.importReport.placeholders ?? [],
    suspectedBlanks: v.importReport.suspectedBlanks ?? [],
    warnings: v.importReport.warnings ?? [],
    subprocessors: v.subprocessors,
    requiredValues: v.requiredValues,
    model: v.model as unknown as Record<string, unknown>,
    createdAt: v.createdAt,
  };
}

export function toPdfOutput(p: DocumentPdfEntity): DocumentPdfOutput {
  return {
    id: p.id,
    status: p.status,
    byteSize: p.byteSize,
    error: p.error,
    downloadPath: `/documents/pdfs/${p.id}`,
  };
}

/** GraphQL's flat custom field input to the domain's { key, label, rule, required }. */
export function toCustomFields(fields: CustomFieldInput[] | undefined): unknown {
  if (fields === undefined) return undefined;
  return fields.map((f) => ({
    key: f.key,
    label: f.label,
    rule:
      f.kind === 'regex'
        ? {
            kind: 'regex',
            pattern: f.pattern ?? '',
            ...(f.maxLength != null ? { maxLength: f.maxLength } : {}),
          }
        : { kind: f.kind, ...(f.maxLength != null ? { maxLength: f.maxLength } : {}) },
    ...(f.required != null ? { required: f.required } : {}),
  }));
}
