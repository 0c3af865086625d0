import { AftaleError } from '@aftale/domain';
import { MODEL_VERSION, parseDocumentModel, type DocumentModel } from './model';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportResult,
  type ImportWarning,
  type ImportedBlocks,
} from './import-types';
import type { CustomField } from './custom-fields';
import { customPathSet } from './custom-fields';
import { decodeText, fileError } from './input';
import { textToBlocks } from './text-importer';
import { markdownToBlocks } from './markdown-importer';
import { htmlToBlocks } from './html-importer';
import { checkStructure } from './structure';
import { scanBlanks, scanPlaceholders } from './scan';
import { extractSubprocessors } from './subprocessor-table';
import { docxToHtml } from './docx-importer';

export interface ImportOptions {
  /** The vendor's declared custom fields; `custom.*` placeholders not declared are unknown. */
  customFields?: readonly CustomField[];
}

export interface ImportInput extends ImportOptions {
  format: ImportFormat;
  content: string | Uint8Array;
}

/** Importers keep to the model's limits; a document beyond them is refused as a file. */
function checkLimits(model: DocumentModel): void {
  try {
    parseDocumentModel(model);
  } catch (error) {
    if (!(error instanceof AftaleError)) throw error;
    throw AftaleError.badInput(
      error.problems.map((problem) => {
        const block = /^document\.blocks\.(\d+)/.exec(problem.field)?.[1];
        return {
          field: 'file',
          message: `${block === undefined ? 'The document' : `Block ${Number(block) + 1}`} is too large: ${problem.message}.`,
          hint: 'Split very long paragraphs, lists or tables.',
        };
      }),
    );
  }
}

/** Shared tail of every import: structure checks, placeholder and blank reports. */
function finish(
  imported: ImportedBlocks,
  warnings: ImportWarning[],
  options: ImportOptions,
): ImportResult {
  const allWarnings = [...warnings, ...imported.warnings];
  const { blocks, locations } = checkStructure(imported.blocks, imported.locations, allWarnings);
  if (!blocks.length) {
    throw fileError('The file contains no text.', 'Check that you uploaded the right file.');
  }
  const model: DocumentModel = { version: MODEL_VERSION, blocks };
  checkLimits(model);
  const placeholders = scanPlaceholders(model, customPathSet(options.customFields), locations);
  return {
    model,
    placeholders,
    unknownPlaceholders: placeholders.filter((p) => !p.known),
    suspectedBlanks: scanBlanks(model, locations),
    warnings: allWarnings,
    subprocessors: extractSubprocessors(blocks),
  };
}

export function importText(
  content: string | Uint8Array,
  options: ImportOptions = {},
): ImportResult {
  const warnings: ImportWarning[] = [];
  const text = decodeText(content, warnings);
  return finish(textToBlocks(text), warnings, options);
}

export function importMarkdown(
  content: string | Uint8Array,
  options: ImportOptions = {},
): ImportResult {
  const warnings: ImportWarning[] = [];
  const text = decodeText(content, warnings);
  return finish(markdownToBlocks(text), warnings, options);
}

export function importHtml(
  content: string | Uint8Array,
  options: ImportOptions = {},
): ImportResult {
  const warnings: ImportWarning[] = [];
  const text = decodeText(content, warnings);
  return finish(htmlToBlocks(text), warnings, options);
}

export async function importDocx(
  content: string | Uint8Array,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { html, messages } = await docxToHtml(content);
  const warnings: ImportWarning[] = messages
    .slice(0, 20)
    .map((message): ImportWarning => ({ code: 'DOCX_MESSAGE', message }));
  // Line numbers of mammoth's HTML mean nothing to the vendor; blocks are numbered instead.
  return finish(htmlToBlocks(html, { withLines: false }), warnings, options);
}

/**
 * Imports a vendor document into the sanitised model and reports every placeholder (known
 * or not), suspected blanks and structural warnings. Bad files are refused with
 * BAD_USER_INPUT on field `file` (empty, over 10 MB, binary given as text, not a .docx).
 */
export async function importDocument(input: ImportInput): Promise<ImportResult> {
  if (!input || typeof input !== 'object')
    throw AftaleError.field('input', 'must be an object with format and content');
  const { format, content } = input;
  const options: ImportOptions = input.customFields ? { customFields: input.customFields } : {};
  switch (format) {
    case 'text':
      return importText(content, options);
    case 'markdown':
      return importMarkdown(content, options);
    case 'html':
      return importHtml(content, options);
    case 'docx':
      return importDocx(content, options);
    default:
      throw AftaleError.field(
        'format',
        `must be one of ${IMPORT_FORMATS.join(', ')}`,
        'e.g. "docx" for a Word file',
      );
  }
}
