import type { Block, DocumentModel } from './model';
import type { PlaceholderProblem, PlaceholderSyntax } from './placeholders';
import type { SubprocessorEntry } from './values';

export type ImportFormat = 'text' | 'markdown' | 'html' | 'docx';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['text', 'markdown', 'html', 'docx'];

/** Where a block came from: its first source line, and the line of each list item / table row. */
export interface BlockLocation {
  line?: number;
  /** Paragraph: one per source line; list: one per item in document order; table: header then rows. */
  parts?: number[];
}

/** What an importer hands to the shared post-processing. */
export interface ImportedBlocks {
  blocks: Block[];
  locations: BlockLocation[];
  warnings: ImportWarning[];
}

export type WarningCode =
  | 'DUPLICATE_ANNEX'
  | 'DUPLICATE_HEADING'
  | 'MISSING_ANNEX'
  | 'RAW_HTML_REMOVED'
  | 'CONTENT_DROPPED'
  | 'LINK_DROPPED'
  | 'EMPTY_TABLE'
  | 'UNPARSED_TABLE_ROW'
  | 'SUBPROCESSOR_TABLE'
  | 'TABLE_OF_CONTENTS'
  | 'ENCODING_FALLBACK'
  | 'DOCX_MESSAGE';

export interface ImportWarning {
  code: WarningCode;
  message: string;
  line?: number;
  /** Extra lines the warning concerns (e.g. each copy of a duplicated annex). */
  lines?: number[];
  /** The annex marker a structural warning is about, e.g. "Bilag 2". */
  annex?: string;
}

export interface PlaceholderOccurrence {
  /** As written: `{{client.name}}` or `#CLIENT_NAME#`. */
  raw: string;
  syntax: PlaceholderSyntax;
  /** The value path it reads (`client.name`), when well-formed. */
  path: string | null;
  known: boolean;
  problem?: PlaceholderProblem;
  /** Human-readable reason when unknown. */
  message?: string;
  /** 1-based block number in the model. */
  block: number;
  /** 1-based source line, when the format has meaningful lines (not .docx). */
  line?: number;
  /** About 40 characters around the placeholder. */
  context: string;
}

export type BlankKind = 'x-run' | 'x-date' | 'labelled' | 'label-only' | 'bracket' | 'rule' | 'url';

export interface SuspectedBlank {
  /** The blank as written, e.g. `CVR. nr.: xxx`, `Firma navn`, `xxxx`. */
  text: string;
  kind: BlankKind;
  block: number;
  line?: number;
  context: string;
}

export interface ImportResult {
  model: DocumentModel;
  /** Every placeholder occurrence, known or not, in document order. */
  placeholders: PlaceholderOccurrence[];
  /** The occurrences that would stop publishing. */
  unknownPlaceholders: PlaceholderOccurrence[];
  /** Text that looks like an unfilled blank (`xxxx`, `Firma navn`) rather than a placeholder. */
  suspectedBlanks: SuspectedBlank[];
  warnings: ImportWarning[];
  /** Sub-processors recognised in a pasted table, ready to be kept as data. */
  subprocessors: SubprocessorEntry[];
}
