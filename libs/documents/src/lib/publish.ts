import { AftaleError, type FieldProblem } from '@aftale/domain';
import type { DocumentModel } from './model';
import { parseDocumentModel } from './model';
import type { CustomField } from './custom-fields';
import { customPathSet } from './custom-fields';
import { knownPathsHint } from './placeholders';
import { listRequiredValues, scanBlanks, scanPlaceholders } from './scan';
import { hashDocument } from './hash';

export interface PublishOptions {
  /**
   * Publish even though text looks like an unfilled blank (`xxxx`, `Firma navn`). Off by
   * default: those are almost always a vendor's forgotten blanks, and a wrong DPA is worse
   * than a refused one.
   */
  allowSuspectedBlanks?: boolean;
}

export interface PublishCheck {
  /** `hashDocument(model)`: the content hash the frozen version is stored under. */
  hash: string;
  /** The value paths every rendering must supply. */
  requiredValues: string[];
}

/**
 * The gate before a version is frozen: throws BAD_USER_INPUT listing every unknown,
 * undeclared or unsafe placeholder (and suspected blank) with its block and context.
 */
export function assertPublishable(
  input: DocumentModel,
  customFields: readonly CustomField[] = [],
  options: PublishOptions = {},
): PublishCheck {
  const model = parseDocumentModel(input);
  if (!model.blocks.length) throw AftaleError.field('document', 'has no content');
  const declared = customPathSet(customFields);
  const problems: FieldProblem[] = [];
  for (const occurrence of scanPlaceholders(model, declared)) {
    if (occurrence.known) continue;
    problems.push({
      field: `document.blocks.${occurrence.block - 1}`,
      message: `${occurrence.message} (block ${occurrence.block}: "${occurrence.context}")`,
      hint: knownPathsHint(declared),
    });
  }
  if (!options.allowSuspectedBlanks) {
    for (const blank of scanBlanks(model)) {
      problems.push({
        field: `document.blocks.${blank.block - 1}`,
        message: `"${blank.text}" looks like an unfilled blank (block ${blank.block}: "${blank.context}")`,
        hint: 'Replace it with a placeholder such as {{client.name}}, or publish with allowSuspectedBlanks if it is meant literally.',
      });
    }
  }
  if (problems.length) throw AftaleError.badInput(problems);
  return { hash: hashDocument(model), requiredValues: listRequiredValues(model) };
}
